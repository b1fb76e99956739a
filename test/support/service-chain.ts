import { Module, type DynamicModule, type INestApplication, type INestMicroservice, type Type } from '@nestjs/common';
import {
  ClientsModule,
  Transport,
  type ClientOptions,
  type ClientProviderOptions,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { createMicroservice, freePort } from './microservices.js';
import { createApp, type Platform } from './platforms.js';

/** How service A listens, and how the edge's ClientProxy `A` reaches it (TCP unless given). */
export interface Hop {
  server: MicroserviceOptions;
  client: ClientOptions;
}

/** A TCP hop on a free port of 127.0.0.1. */
export async function tcpHop(): Promise<Hop> {
  const options = { host: '127.0.0.1', port: await freePort() };
  return { server: { transport: Transport.TCP, options }, client: { transport: Transport.TCP, options } };
}

/**
 * Three real apps: an HTTP edge whose ClientProxy `A` calls service A over `toA`, whose
 * ClientProxy `B` calls service B over TCP. Each app imports `imports` (the logger, the module).
 */
export interface ServiceChain {
  edge: INestApplication;
  a: INestMicroservice;
  b: INestMicroservice;
  /** What a client of service A connects with. */
  toA: Hop['client'];
  close(): Promise<void>;
}

export async function startServiceChain(options: {
  platform: Platform;
  imports: DynamicModule[];
  controllers: { edge: Type; a: Type; b: Type };
  toA?: Hop;
}): Promise<ServiceChain> {
  const { platform, imports, controllers } = options;
  const toA = options.toA ?? (await tcpHop());
  const toB = await tcpHop();
  const b = await createMicroservice({ imports, controllers: [controllers.b] }, toB.server);
  const a = await createMicroservice(
    {
      imports: [...imports, ClientsModule.register([{ name: 'B', ...toB.client } as ClientProviderOptions])],
      controllers: [controllers.a],
    },
    toA.server,
  );
  @Module({
    imports: [...imports, ClientsModule.register([{ name: 'A', ...toA.client } as ClientProviderOptions])],
    controllers: [controllers.edge],
  })
  class EdgeModule {}
  const edge = await createApp(platform, { imports: [EdgeModule] });
  return {
    edge,
    a,
    b,
    toA: toA.client,
    close: async () => {
      await edge.close();
      await a.close();
      await b.close();
    },
  };
}
