import { DynamicModule, INestApplication, Module, RequestMethod, type Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createPinoHttpOptions, ErrorCode, ErrorHandlingModule } from '../../src/index.js';
import { BenchController } from './bench.controller.js';
import { DomainError, MappedErrorsController } from './mapped-errors.controller.js';

/** What distinguishes one bench server from another; everything else is the same app. */
export interface BenchAppConfig {
  platform: 'express' | 'fastify';
  /** Imports ErrorHandlingModule; without it the app runs Nest's default exception filter. */
  errorHandling: boolean;
  /** A global ValidationPipe: Nest's own without the module, the module's `validation: true` with it. */
  validation: boolean;
  /**
   * `pino`: nestjs-pino writes every log line to `pinoFile`; `nest`: Nest's console logger;
   * `off`: the module writes no record of failed requests (to measure its pipeline alone).
   */
  logging: 'nest' | 'pino' | 'off';
  pinoFile?: string;
  /** false leaves out the controller declaring `@OnError` (the one the module puts its route guard on). */
  onError?: boolean;
  /** GraphQL through Apollo (express), with a resolver that fails. */
  graphql?: boolean;
  /** Declares a ClientProxy (never called): the module then runs every handler in its request context. */
  clientProxy?: boolean;
  /**
   * Without the module: an AsyncLocalStorage entered for every request, where the module enters
   * its own (scenario 1d, what a request context costs on this Node whoever keeps it).
   */
  requestContext?: boolean;
}

/**
 * A request context the way the module keeps one (`src/request-id/request-id.hook.ts`): entered
 * from a listener prepended to fastify's server, run around express's `handle`.
 */
function enterRequestContext(app: INestApplication, platform: BenchAppConfig['platform']): void {
  const storage = new AsyncLocalStorage<string>();
  if (platform === 'fastify') {
    (app.getHttpServer() as Server).prependListener('request', () => storage.enterWith(randomUUID()));
    return;
  }
  const instance = app.getHttpAdapter().getInstance() as { handle: (...args: unknown[]) => unknown };
  const handle = instance.handle;
  instance.handle = function handleInContext(this: unknown, ...args: unknown[]) {
    return storage.run(randomUUID(), () => handle.apply(this, args));
  };
}

/** Loaded only by the servers that use them, so the others run without GraphQL or microservices. */
async function graphqlImports(): Promise<{ module: DynamicModule; resolver: Type }> {
  const [{ GraphQLModule }, { ApolloDriver }, { ProductsResolver }] = await Promise.all([
    import('@nestjs/graphql'),
    import('@nestjs/apollo'),
    import('./products.resolver.js'),
  ]);
  return { module: GraphQLModule.forRoot({ driver: ApolloDriver, autoSchemaFile: true }), resolver: ProductsResolver };
}

async function clientProxyModule(): Promise<DynamicModule> {
  const { ClientsModule, Transport } = await import('@nestjs/microservices');
  return ClientsModule.register([{ name: 'PRICING', transport: Transport.TCP, options: { port: 1 } }]);
}

/**
 * nestjs-pino as its README sets it up (pino-http logging every request), writing to a file;
 * with the module, its options go through `createPinoHttpOptions` as the module's docs say.
 * Loaded only by the servers that use it, so the others run without it.
 */
async function pinoLogging(file: string, withModule: boolean) {
  const [{ LoggerModule, Logger }, { default: pino }] = await Promise.all([import('nestjs-pino'), import('pino')]);
  const destination = pino.destination({ dest: file, sync: false, mkdir: true });
  const options = { level: 'info' };
  const module = LoggerModule.forRoot({
    pinoHttp: [withModule ? createPinoHttpOptions(options) : options, destination],
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
  });
  return { module, logger: Logger };
}

export async function createBenchApp(config: BenchAppConfig): Promise<INestApplication> {
  const imports: DynamicModule[] = [];
  if (config.errorHandling) {
    const logging = config.logging === 'off' ? { levels: { '4xx': false, '5xx': false } as const } : undefined;
    imports.push(
      ErrorHandlingModule.forRoot({
        mode: 'production',
        validation: config.validation,
        logging,
        handlers: [[DomainError, ErrorCode.RESOURCE_NOT_FOUND]],
      }),
    );
  }
  const pino =
    config.logging === 'pino'
      ? await pinoLogging(config.pinoFile ?? 'bench-pino.log', config.errorHandling)
      : undefined;
  if (pino) imports.push(pino.module);
  const providers: Type[] = [];
  if (config.graphql) {
    const graphql = await graphqlImports();
    imports.push(graphql.module);
    providers.push(graphql.resolver);
  }
  if (config.clientProxy) imports.push(await clientProxyModule());

  const controllers = config.onError === false ? [BenchController] : [BenchController, MappedErrorsController];
  @Module({ imports, controllers, providers })
  class BenchAppModule {}

  const adapter = config.platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();
  const app = await NestFactory.create(BenchAppModule, adapter, { bufferLogs: pino !== undefined });
  if (pino) app.useLogger(app.get(pino.logger));
  if (config.validation && !config.errorHandling) app.useGlobalPipes(new ValidationPipe());
  if (config.requestContext && !config.errorHandling) enterRequestContext(app, config.platform);
  return app;
}
