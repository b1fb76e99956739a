import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { createPinoHttpOptions, ErrorHandlingModule } from '../src/index.js';
import { AppError } from './app-error-codes.js';
import { ProductsController } from './products.controller.js';

@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: createPinoHttpOptions({ level: process.env.LOG_LEVEL ?? 'info' }),
      forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    }),
    ErrorHandlingModule.forRoot({
      codes: AppError,
      // Browsers get an HTML page (a debug page with APP_MODE=development), API clients the envelope.
      format: 'negotiate',
      validation: { whitelist: true, forbidNonWhitelisted: true },
      openapi: true,
    }),
  ],
  controllers: [ProductsController],
})
export class AppModule {}
