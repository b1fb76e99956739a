import {
  Controller,
  Get,
  Inject,
  Module,
  type INestApplication,
  type INestMicroservice,
  type ModuleMetadata,
} from '@nestjs/common';
import { ClientsModule, MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ErrorCode, OperatedException } from '../../src/index.js';
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
class ServiceA {
  constructor(@Inject('B') private readonly b: ClientProxy) {}

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
  constructor(@Inject('A') private readonly a: ClientProxy) {}

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

/** Three real apps: an HTTP edge → TCP → service A → TCP → service B. */
export interface ServiceChain {
  edge: INestApplication;
  a: INestMicroservice;
  b: INestMicroservice;
  close(): Promise<void>;
}

/**
 * Boots the chain, each app importing `imports` (the module, a logger...), the edge also
 * `edgeImports`.
 */
export async function startServiceChain(
  platform: Platform,
  imports: NonNullable<ModuleMetadata['imports']>,
  edgeImports: NonNullable<ModuleMetadata['imports']> = [],
): Promise<ServiceChain> {
  const [portA, portB] = [await freePort(), await freePort()];
  const tcp = (port: number) => ({ host: '127.0.0.1', port });
  const b = await createMicroservice(
    { imports, controllers: [ServiceB] },
    { transport: Transport.TCP, options: tcp(portB) },
  );
  const a = await createMicroservice(
    {
      imports: [...imports, ClientsModule.register([{ name: 'B', transport: Transport.TCP, options: tcp(portB) }])],
      controllers: [ServiceA],
    },
    { transport: Transport.TCP, options: tcp(portA) },
  );
  @Module({
    imports: [
      ...edgeImports,
      ...imports,
      ClientsModule.register([{ name: 'A', transport: Transport.TCP, options: tcp(portA) }]),
    ],
    controllers: [EdgeController],
  })
  class EdgeModule {}
  const edge = await createApp(platform, { imports: [EdgeModule] });
  return {
    edge,
    a,
    b,
    close: async () => {
      await edge.close();
      await a.close();
      await b.close();
    },
  };
}
