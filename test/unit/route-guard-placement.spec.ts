import { Controller, Get, Module, type CanActivate, type Type } from '@nestjs/common';
import { APP_GUARD, ApplicationConfig, ModulesContainer } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ErrorCode, ErrorHandlingModule, OnError } from '../../src/index.js';
import { routeGuardPlacementOf } from '../../src/resolve/route-recording.js';

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

@Controller('inherited')
class InheritingController extends ClassMappedController {}

class AllowGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Module({ providers: [{ provide: APP_GUARD, useClass: AllowGuard }] })
class AuthModule {}

async function modulesOf(controllers: Type[], imports: Type[] = []): Promise<ModulesContainer> {
  const moduleRef = await Test.createTestingModule({ controllers, imports }).compile();
  return moduleRef.get(ModulesContainer);
}

const config = new ApplicationConfig();

describe('routeGuardPlacementOf: the route-recording guard goes only where it is used', () => {
  it('goes nowhere in an app without @OnError or handler functions', async () => {
    const modules = await modulesOf([PlainController]);
    expect(routeGuardPlacementOf(modules, [[DomainError, ErrorCode.CONFLICT]], ErrorHandlingModule, config)).toEqual(
      [],
    );
  });

  it.each([
    ['a controller @OnError', ClassMappedController],
    ['a method @OnError', MethodMappedController],
    ["a base class's @OnError", InheritingController],
  ])('goes on the class with %s, and on no other', async (_case, controller) => {
    const modules = await modulesOf([PlainController, controller]);
    expect(routeGuardPlacementOf(modules, [], ErrorHandlingModule, config)).toEqual([controller]);
  });

  it('goes on every route with a module handler function, whose context names any route', async () => {
    const modules = await modulesOf([PlainController]);
    expect(
      routeGuardPlacementOf(modules, [[DomainError, () => new Error() as never]], ErrorHandlingModule, config),
    ).toBe('global');
  });

  it("goes on every route when another module's APP_GUARD would run before a class guard", async () => {
    const modules = await modulesOf([ClassMappedController], [AuthModule]);
    expect(routeGuardPlacementOf(modules, [], ErrorHandlingModule, config)).toBe('global');
  });

  it("goes on every route when the app's ApplicationConfig cannot be found", async () => {
    const modules = await modulesOf([ClassMappedController]);
    expect(routeGuardPlacementOf(modules, [], ErrorHandlingModule, undefined)).toBe('global');
  });
});
