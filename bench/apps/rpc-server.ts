import 'reflect-metadata';
import { Controller, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, RpcException, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { createServer } from 'node:net';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { NOT_FOUND_ENVELOPE } from './not-found-envelope.js';
import { serveParent } from './parent-channel.js';

/**
 * Scenario 9: a Nest microservice on TCP whose handler fails, Nest's way (an RpcException, which
 * its default RPC filter sends as it is and does not log) and the module's way (its envelope, and
 * its record at warn through Nest's console logger).
 */
@Controller()
class ProductsRpcController {
  @MessagePattern('nest.product')
  nestProduct(): never {
    throw new RpcException({ status: 404, message: NOT_FOUND_ENVELOPE.message });
  }

  @MessagePattern('operated.product')
  operatedProduct(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, NOT_FOUND_ENVELOPE.message);
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const { errorHandling } = JSON.parse(process.env.BENCH_APP_CONFIG ?? '{}') as { errorHandling?: boolean };
const imports: DynamicModule[] = errorHandling ? [ErrorHandlingModule.forRoot({ mode: 'production' })] : [];

@Module({ imports, controllers: [ProductsRpcController] })
class RpcBenchModule {}

const port = await freePort();
const app = await NestFactory.createMicroservice<MicroserviceOptions>(RpcBenchModule, {
  transport: Transport.TCP,
  options: { host: '127.0.0.1', port },
});
await app.listen();
await serveParent(port, () => app.close());
