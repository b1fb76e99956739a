import 'reflect-metadata';
import { Controller, Get, Module, Param, RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { Logger, LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { createPinoHttpOptions, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { AppError } from '../../sample/app-error-codes.js';
import { ProductsController } from '../../sample/products.controller.js';
import { serveParent } from './parent-channel.js';

/**
 * The sample app as a deployment that must survive a flood runs it, as a child of `npm run soak`:
 * nestjs-pino writing to `SOAK_LOG_FILE` through an asynchronous destination (sonic-boom), and
 * `logging.throttle` at `SOAK_THROTTLE` (`{ windowMs, limit }` as JSON). pino-http's access line
 * is off: it is one line per request by design, which no throttle of error records can bound.
 */
const logFile = process.env.SOAK_LOG_FILE;
if (!logFile) throw new Error('SOAK_LOG_FILE is not set');
const throttle = JSON.parse(process.env.SOAK_THROTTLE ?? 'null') as { windowMs: number; limit: number } | null;
if (throttle === null) throw new Error('SOAK_THROTTLE is not set');

/** Failures the sample does not have: one kind with many messages, and kinds a client invents. */
@Controller('flood')
class FloodController {
  @Get(':n/operated')
  operated(@Param('n') n: string): never {
    throw new OperatedException(AppError.RESOURCE_NOT_FOUND, `No order ${n}`);
  }

  @Get(':n')
  invented(@Param('n') n: string): never {
    // The worst case for the throttle's bounded table: the error's name, and so its kind, comes
    // from the request, so a client can invent as many kinds as it likes.
    const error = new Error(`upstream rejected item ${n}`);
    error.name = `UpstreamError${n}`;
    throw error;
  }
}

const destination = pino.destination({ dest: logFile, sync: false, mkdir: true });

@Module({
  imports: [
    LoggerModule.forRoot({
      pinoHttp: [createPinoHttpOptions({ level: 'info', autoLogging: false }), destination],
      forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    }),
    ErrorHandlingModule.forRoot({
      codes: AppError,
      validation: { whitelist: true, forbidNonWhitelisted: true },
      logging: { throttle },
    }),
  ],
  controllers: [ProductsController, FloodController],
})
class SoakModule {}

const app = await NestFactory.create(SoakModule, { bufferLogs: true });
app.useLogger(app.get(Logger));
await app.listen(0, '127.0.0.1');
await serveParent((app.getHttpServer().address() as AddressInfo).port, async () => {
  await app.close();
  // Everything sonic-boom still holds reaches the file before the runner counts its lines.
  await new Promise((resolve) => {
    destination.once('close', resolve);
    destination.end();
  });
});
