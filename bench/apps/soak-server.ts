import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../../sample/app.module.js';
import { serveParent } from './parent-channel.js';

/** The sample app as `npm start` runs it, as a child of `npm run soak`. */
const app = await NestFactory.create(AppModule, { bufferLogs: true });
app.useLogger(app.get(Logger));
await app.listen(0, '127.0.0.1');
await serveParent((app.getHttpServer().address() as AddressInfo).port, () => app.close());
