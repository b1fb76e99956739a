import { Controller, Get } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ErrorCode, OnError } from '../../src/index.js';
import { isRouteContextNeeded } from '../../src/resolve/route-context.guard.js';

class DomainError extends Error {}

@Controller('plain')
class PlainController {
  @Get()
  find() {}
}

@Controller('mapped-class')
@OnError(DomainError, ErrorCode.CONFLICT)
class ClassMappedController {}

@Controller('mapped-method')
class MethodMappedController {
  @Get()
  @OnError(DomainError, ErrorCode.CONFLICT)
  find() {}
}

async function modulesOf(...controllers: Function[]): Promise<ModulesContainer> {
  const moduleRef = await Test.createTestingModule({ controllers: controllers as never[] }).compile();
  return moduleRef.get(ModulesContainer);
}

describe('isRouteContextNeeded: the route-recording guard is installed only where it is used', () => {
  it('is false for an app without @OnError or handler functions', async () => {
    expect(isRouteContextNeeded(await modulesOf(PlainController), [[DomainError, ErrorCode.CONFLICT]])).toBe(false);
  });

  it.each([
    ['a controller @OnError', ClassMappedController],
    ['a method @OnError', MethodMappedController],
  ])('is true with %s', async (_case, controller) => {
    expect(isRouteContextNeeded(await modulesOf(PlainController, controller), [])).toBe(true);
  });

  it('is true with a module handler function, whose context names the route', async () => {
    expect(isRouteContextNeeded(await modulesOf(PlainController), [[DomainError, () => new Error() as never]])).toBe(
      true,
    );
  });
});
