import { CanActivate, Controller, Get, Injectable, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { APP_GUARD, ModuleRef } from '@nestjs/core';
import { MessagePattern, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OnError } from '../../src/index.js';
import { RouteContextGuard } from '../../src/resolve/route-context.guard.js';
import { applicationConfigOf } from '../../src/resolve/route-recording.js';
import { callerError, createClient, freePort } from '../support/microservices.js';
import { createApp, PLATFORMS } from '../support/platforms.js';

class TokenExpiredError extends Error {}

@Injectable()
class ExpiringAuthGuard implements CanActivate {
  canActivate(): boolean {
    throw new TokenExpiredError('jwt expired');
  }
}

@Controller('account')
@OnError(TokenExpiredError, ErrorCode.TOKEN_EXPIRED)
class AccountController {
  @Get()
  find() {
    return 'unreachable';
  }
}

@Controller('health')
class HealthController {
  @Get()
  find() {
    return 'ok';
  }
}

/** `@OnError` on a method only, under a class guard of the app's: the class guard's errors are mapped too. */
@Controller('profile')
@UseGuards(ExpiringAuthGuard)
class ProfileController {
  @Get()
  @OnError(TokenExpiredError, ErrorCode.TOKEN_EXPIRED)
  find() {
    return 'unreachable';
  }
}

@Module({
  imports: [ErrorHandlingModule.forRoot()],
  controllers: [AccountController, ProfileController, HealthController],
})
class ClassGuardedAppModule {}

@Controller()
@OnError(TokenExpiredError, ErrorCode.TOKEN_EXPIRED)
class AccountMessagesController {
  @MessagePattern('account')
  find() {
    return 'unreachable';
  }
}

/** The guards Nest runs first on every route of `app`, and those on `controller` before its methods' own. */
function guardsOf(app: INestApplication, controller: Function): { global: unknown[]; onClass: unknown[] } {
  return {
    // The module's APP_GUARD factory answers null when the guard is not global: Nest skips it.
    global: (applicationConfigOf(app.get(ModuleRef))?.getGlobalGuards() ?? []).filter((guard) => guard !== null),
    onClass: Reflect.getMetadata(GUARDS_METADATA, controller) ?? [],
  };
}

/** A global guard in a feature module imported after ErrorHandlingModule (the usual AuthModule). */
@Module({ providers: [{ provide: APP_GUARD, useClass: ExpiringAuthGuard }] })
class AuthModule {}

@Module({ imports: [ErrorHandlingModule.forRoot(), AuthModule], controllers: [AccountController] })
class AppModule {}

/** A global guard declared in the root module itself runs before the module's route recorder. */
@Module({
  imports: [ErrorHandlingModule.forRoot({ handlers: [[TokenExpiredError, ErrorCode.TOKEN_EXPIRED]] })],
  controllers: [AccountController],
  providers: [{ provide: APP_GUARD, useClass: ExpiringAuthGuard }],
})
class RootGuardAppModule {}

describe.each(PLATFORMS)('errors from global guards on %s', (platform) => {
  it('reach controller @OnError mappings from an APP_GUARD of a feature module', async () => {
    const app = await createApp(platform, { imports: [AppModule] });
    const response = await request(app.getHttpServer()).get('/account');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 2002, reason: 'TOKEN_EXPIRED', message: 'jwt expired' });
    await app.close();
  });

  it('reach module handlers from an APP_GUARD of the root module itself, with a startup warning', async () => {
    const warnings: string[] = [];
    const logger = { log() {}, error() {}, warn: (message: string) => warnings.push(message) };
    const app = await createApp(platform, { imports: [RootGuardAppModule] }, { logger });
    expect(warnings).toContainEqual(
      expect.stringContaining(
        'ExpiringAuthGuard (APP_GUARD in RootGuardAppModule) runs before ErrorHandlingModule records the route',
      ),
    );
    const response = await request(app.getHttpServer()).get('/account');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 2002, reason: 'TOKEN_EXPIRED', message: 'jwt expired' });
    await app.close();
  });

  it('reach @OnError from a guard given to app.useGlobalGuards(), the route recorded first on every route', async () => {
    const app = await createApp(platform, { imports: [ClassGuardedAppModule] }, {}, (app) =>
      app.useGlobalGuards(new ExpiringAuthGuard()),
    );
    const response = await request(app.getHttpServer()).get('/account');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 2002, reason: 'TOKEN_EXPIRED', message: 'jwt expired' });
    const { global, onClass } = guardsOf(app, AccountController);
    expect(global).toEqual([expect.any(RouteContextGuard), expect.any(ExpiringAuthGuard)]);
    expect(onClass).toEqual([]);
    await app.close();
  });

  it("reach a method's @OnError from its class guard, with the module's guard on the @OnError classes only", async () => {
    const app = await createApp(platform, { imports: [ClassGuardedAppModule] });
    const response = await request(app.getHttpServer()).get('/profile');
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 2002, reason: 'TOKEN_EXPIRED' });
    expect(guardsOf(app, ProfileController)).toEqual({
      global: [],
      onClass: [expect.any(RouteContextGuard), ExpiringAuthGuard],
    });
    expect(guardsOf(app, AccountController).onClass).toEqual([expect.any(RouteContextGuard)]);
    expect(guardsOf(app, HealthController).onClass).toEqual([]);
    expect((await request(app.getHttpServer()).get('/health')).text).toBe('ok');
    await app.close();
  });

  it("leaves no guard of an earlier app's on a class when the next app records every route", async () => {
    await (await createApp(platform, { imports: [ClassGuardedAppModule] })).close();
    const app = await createApp(platform, { imports: [AppModule] });
    expect(guardsOf(app, AccountController)).toEqual({
      global: [expect.any(RouteContextGuard), expect.any(ExpiringAuthGuard)],
      onClass: [],
    });
    await app.close();
  });
});

describe('errors from guards given to useGlobalGuards() of a microservice', () => {
  it('reach @OnError over TCP', async () => {
    const port = await freePort();
    const moduleRef = await Test.createTestingModule({
      imports: [ErrorHandlingModule.forRoot()],
      controllers: [AccountMessagesController],
    }).compile();
    const service = moduleRef.createNestMicroservice<MicroserviceOptions>({
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port },
      logger: false,
    });
    service.useGlobalGuards(new ExpiringAuthGuard());
    await service.listen();
    const client = await createClient({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
    try {
      expect(await callerError(client, 'account')).toMatchObject({ code: 2002, reason: 'TOKEN_EXPIRED', status: 401 });
    } finally {
      await client.close();
      await service.close();
    }
  });
});
