import { CanActivate, Controller, Get, Injectable, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OnError } from '../../src/index.js';
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
});
