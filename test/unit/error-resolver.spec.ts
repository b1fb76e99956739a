import { BadRequestException, ConflictException, HttpException, NotFoundException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import {
  defineErrorCodes,
  ErrorCode,
  OnError,
  OperatedException,
  type ErrorHandlingModuleOptions,
} from '../../src/index.js';
import { resolveErrorHandlingOptions } from '../../src/options/resolve-options.js';
import { ErrorResolver } from '../../src/resolve/error-resolver.js';
import type { Resolution } from '../../src/resolve/resolve.interfaces.js';
import { recordRouteContext } from '../../src/resolve/route-context.guard.js';

const Codes = defineErrorCodes({
  ...ErrorCode,
  METHOD_BASE: { code: 101, status: 400, message: 'method base' },
  METHOD_SUB: { code: 102, status: 400, message: 'method sub' },
  CONTROLLER_BASE: { code: 201, status: 400, message: 'controller base' },
  CONTROLLER_SUB: { code: 202, status: 400, message: 'controller sub' },
  MODULE_BASE: { code: 301, status: 400, message: 'module base' },
  MODULE_SUB: { code: 302, status: 400, message: 'module sub' },
  MODULE_404: { code: 304, status: 404, message: 'module 404' },
  MODULE_500: { code: 305, status: 500, message: 'module 500' },
  MODULE_503: { code: 306, status: 503, message: 'module 503' },
  CONTROLLER_404: { code: 204, status: 404, message: 'controller 404' },
});

class Base extends Error {}
class Sub extends Base {}
class SubSub extends Sub {}
class Other extends Error {}
class OnlyModule extends Error {}

@OnError(Base, Codes.CONTROLLER_BASE)
@OnError(Sub, Codes.CONTROLLER_SUB)
@OnError(404, Codes.CONTROLLER_404)
class MappedController {
  @OnError(Sub, Codes.METHOD_SUB)
  @OnError(Base, Codes.METHOD_BASE)
  mapped() {}

  plain() {}
}

class BareController {
  bare() {}
}

const moduleOptions: ErrorHandlingModuleOptions = {
  handlers: [
    [Base, Codes.MODULE_BASE],
    [SubSub, Codes.MODULE_SUB],
    [OnlyModule, Codes.MODULE_BASE],
    [404, Codes.MODULE_404],
    [500, Codes.MODULE_500],
  ],
};

function resolve(exception: unknown, route?: { controller: Function; handler: Function }): Resolution {
  const resolver = new ErrorResolver(resolveErrorHandlingOptions(moduleOptions), new Reflector());
  const request = {};
  const host = new ExecutionContextHost([request, {}, () => undefined]);
  if (route) recordRouteContext(host, route as never);
  const resolved = resolver.resolve(exception, host, request);
  if (resolved instanceof Promise) throw new Error('expected a synchronous resolution');
  return resolved;
}

const methodRoute = { controller: MappedController, handler: MappedController.prototype.mapped };
const controllerRoute = { controller: MappedController, handler: MappedController.prototype.plain };
const bareRoute = { controller: BareController, handler: BareController.prototype.bare };

describe('ErrorResolver precedence', () => {
  it.each<[string, unknown, { controller: Function; handler: Function } | undefined, number]>([
    ['method beats controller and module (Base)', new Base(), methodRoute, 101],
    ['method: nearest class wins (Sub)', new Sub(), methodRoute, 102],
    ['method: nearest class wins (SubSub → Sub)', new SubSub(), methodRoute, 102],
    ['controller beats module (Base)', new Base(), controllerRoute, 201],
    [
      'controller: nearest class wins (SubSub → Sub), even though the module maps SubSub itself',
      new SubSub(),
      controllerRoute,
      202,
    ],
    ['module when the controller maps nothing (Base)', new Base(), bareRoute, 301],
    ['module: nearest class wins (SubSub)', new SubSub(), bareRoute, 302],
    ['module: Sub falls to Base', new Sub(), bareRoute, 301],
    ['module without a route (middleware errors)', new OnlyModule(), undefined, 301],
    ['defaults for unmapped errors', new Other(), bareRoute, 305],
    ['controller status handler beats module status handler', new NotFoundException(), controllerRoute, 204],
    ['module status handler for a plain HttpException', new NotFoundException(), bareRoute, 304],
    ['module status handler without a route (unknown routes)', new NotFoundException(), undefined, 304],
    ['status handlers ignore OperatedExceptions', new OperatedException(ErrorCode.RESOURCE_NOT_FOUND), bareRoute, 4001],
    ['built-in default for a status nobody maps', new BadRequestException(), bareRoute, 1100],
  ])('%s', (_case, exception, route, code) => {
    expect(resolve(exception, route).entry.code).toBe(code);
  });

  it('keeps the error message for entry targets, the catalogue message when it is empty', () => {
    expect(resolve(new Base('own words'), controllerRoute).message).toBe('own words');
    expect(resolve(new Base(''), controllerRoute).message).toBe('controller base');
  });

  it('turns a message list of a plain HttpException into details', () => {
    const resolved = resolve(new BadRequestException(['a must be set', 'b must be a number']));
    expect(resolved.entry.code).toBe(1100);
    expect(resolved.details).toEqual(['a must be set', 'b must be a number']);
  });

  it('answers connection failures, also deep in the cause chain, with CONNECTION_ERROR', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(resolve(new TypeError('fetch failed', { cause: refused })).entry).toBe(ErrorCode.CONNECTION_ERROR);
    expect(resolve(new Error('outer', { cause: new AggregateError([refused]) })).entry).toBe(
      ErrorCode.CONNECTION_ERROR,
    );
  });

  it('keeps the details the defaults found when an entry target maps the error', () => {
    const resolver = new ErrorResolver(
      resolveErrorHandlingOptions({ handlers: [[BadRequestException, Codes.MODULE_BASE]] }),
      new Reflector(),
    );
    const resolved = resolver.resolve(
      new BadRequestException(['a must be set']),
      new ExecutionContextHost([{}, {}, () => undefined]),
      {},
    ) as Resolution;
    expect(resolved.entry).toBe(Codes.MODULE_BASE);
    expect(resolved.details).toEqual(['a must be set']);
  });

  it('lets a 503 status handler override the CONNECTION_ERROR default', () => {
    const resolver = new ErrorResolver(
      resolveErrorHandlingOptions({ handlers: [[503, Codes.MODULE_503]] }),
      new Reflector(),
    );
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const resolved = resolver.resolve(refused, new ExecutionContextHost([{}, {}, () => undefined]), {}) as Resolution;
    expect(resolved.entry).toBe(Codes.MODULE_503);
  });

  it('treats statuses outside 400–599 as unexpected', () => {
    expect(resolve(new HttpException('redirect', 302)).entry.code).toBe(305);
  });

  it('gives unusual statuses a generic entry', () => {
    expect(resolve(new HttpException('client closed', 499)).entry).toEqual({
      code: 4990,
      reason: 'HTTP_499',
      status: 499,
      message: 'Error',
    });
  });
});

describe('@OnError declarations', () => {
  it('rejects the same class twice on one level', () => {
    expect(() => {
      @OnError(Base, Codes.CONTROLLER_BASE)
      @OnError(Base, Codes.CONTROLLER_SUB)
      class Twice {}
      return Twice;
    }).toThrow('@OnError: Base is mapped twice on the same controller');
  });

  it.each([
    ['a bad status', () => OnError(200, Codes.CONTROLLER_BASE), /200 is neither an error class nor a status/],
    ['a bad target', () => OnError(Base, 'nope' as never), /the target must be a catalogue entry or a function/],
  ])('rejects %s where it is declared', (_case, declare, message) => {
    expect(declare).toThrow(message);
  });
});

describe('what built-in defaults read of an HttpException', () => {
  it("reads an errorCode only as an own key of codes, never Object's members", () => {
    const resolved = resolve(new HttpException('x', 409, { errorCode: 'toString' }));
    expect(resolved.entry).toBe(ErrorCode.CONFLICT);
    expect(resolved.ownDetails).toEqual({ errorCode: 'toString' });
  });

  it('gives an errorCode entry of another status a copy with the exception status, the original untouched', () => {
    const resolved = resolve(new ConflictException('x', { errorCode: 'RESOURCE_NOT_FOUND' }));
    expect(resolved.entry).toMatchObject({ code: 4001, reason: 'RESOURCE_NOT_FOUND', status: 409 });
    expect(ErrorCode.RESOURCE_NOT_FOUND.status).toBe(404);
  });

  it("rewrites only Nest's unknown-route message, and only its query", () => {
    const unknown = new NotFoundException('Cannot GET /a/b?token=1?x');
    expect(resolve(unknown).message).toBe('Cannot GET /a/b');
    expect(unknown.stack).not.toContain('token');
    expect(unknown.getResponse()).toMatchObject({ message: 'Cannot GET /a/b', statusCode: 404 });
    expect(resolve(new NotFoundException('Product ?id=1 missing')).message).toBe('Product ?id=1 missing');
  });
});
