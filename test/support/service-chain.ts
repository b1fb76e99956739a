import {
  Controller,
  Get,
  Inject,
  Module,
  type INestApplication,
  type INestMicroservice,
  type DynamicModule,
  type ModuleMetadata,
  type Type,
} from '@nestjs/common';
import {
  ClientsModule,
  MessagePattern,
  Transport,
  type ClientOptions,
  type ClientProviderOptions,
  type ClientProxy,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ErrorCode, OperatedException } from '../../src/index.js';
import type { Broker } from './brokers.js';
import { createMicroservice, freePort } from './microservices.js';
import { createApp, type Platform } from './platforms.js';

/** What service B's unexpected error says: no hop before B may pass it on. */
export const SERVICE_SECRET = 'db-password-hunter2';

/** The last hop: `find` is a 404 of the catalogue, `crash` an unexpected error with a secret. */
@Controller()
export class ServiceB {
  @MessagePattern('find')
  find(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found');
  }

  @MessagePattern('crash')
  crash(): never {
    throw new Error(`connection to ${SERVICE_SECRET} refused`);
  }
}

/** The hop in between: passes each call on to B. */
@Controller()
export class ServiceA {
  constructor(@Inject('B') protected readonly b: ClientProxy) {}

  @MessagePattern('find')
  find(): Promise<unknown> {
    return firstValueFrom(this.b.send('find', {}));
  }

  @MessagePattern('crash')
  crash(): Promise<unknown> {
    return firstValueFrom(this.b.send('crash', {}));
  }
}

/** The HTTP edge: `/products` and `/crash` call the client `A`; `/alone` fails at the edge itself. */
@Controller()
export class EdgeController {
  constructor(@Inject('A') protected readonly a: ClientProxy) {}

  @Get('products')
  find(): Promise<unknown> {
    return firstValueFrom(this.a.send('find', {}));
  }

  @Get('crash')
  crash(): Promise<unknown> {
    return firstValueFrom(this.a.send('crash', {}));
  }

  @Get('alone')
  alone(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND);
  }
}

/** How service A listens, and how the edge's client `A` reaches it. */
export interface Hop {
  server: MicroserviceOptions;
  client: ClientOptions;
}

/** A TCP hop on a port of 127.0.0.1 that was free a moment ago. */
export async function tcpHop(): Promise<Hop> {
  const options = { host: '127.0.0.1', port: await freePort() };
  return { server: { transport: Transport.TCP, options }, client: { transport: Transport.TCP, options } };
}

/** A hop over a real broker (its clients give up at once when the broker is gone, so a test fails fast). */
export function brokerHop(broker: Broker): Hop {
  const [transport, options] =
    broker.kind === 'nats'
      ? [Transport.NATS, { servers: broker.url, reconnect: false }]
      : [Transport.REDIS, { host: broker.host, port: broker.port, retryAttempts: 0, maxRetriesPerRequest: 0 }];
  return { server: { transport, options } as MicroserviceOptions, client: { transport, options } as ClientOptions };
}

/** `ClientsModule.register` of one client named `name` that reaches `hop`. */
export function registerClient(name: string, { client }: Hop): DynamicModule {
  return ClientsModule.register([{ name, ...client } as ClientProviderOptions]);
}

/** Three real apps: an HTTP edge → (TCP unless told) → service A → TCP → service B. */
export interface ServiceChain {
  edge: INestApplication;
  a: INestMicroservice;
  b: INestMicroservice;
  /** What a client of service A connects with. */
  toA: ClientOptions;
  close(): Promise<void>;
}

/** What a spec may change in the chain: each app's controller (subclasses of the above), the hop to A. */
export interface ServiceChainOptions {
  controllers?: { edge?: Type; a?: Type; b?: Type };
  toA?: Hop;
}

/**
 * Boots the chain, each app importing `imports` (the module, a logger...), the edge also
 * `edgeImports`.
 */
export async function startServiceChain(
  platform: Platform,
  imports: NonNullable<ModuleMetadata['imports']>,
  edgeImports: NonNullable<ModuleMetadata['imports']> = [],
  { controllers = {}, toA: hopToA }: ServiceChainOptions = {},
): Promise<ServiceChain> {
  const toA = hopToA ?? (await tcpHop());
  const toB = await tcpHop();
  const b = await createMicroservice({ imports, controllers: [controllers.b ?? ServiceB] }, toB.server);
  const a = await createMicroservice(
    { imports: [...imports, registerClient('B', toB)], controllers: [controllers.a ?? ServiceA] },
    toA.server,
  );
  @Module({
    imports: [...edgeImports, ...imports, registerClient('A', toA)],
    controllers: [controllers.edge ?? EdgeController],
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
