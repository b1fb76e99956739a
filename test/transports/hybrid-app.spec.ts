import { Controller, Get, type INestApplication, type INestMicroservice, type LoggerService } from '@nestjs/common';
import { MessagePattern, Transport, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { ErrorCode, ErrorHandlingModule, OperatedException } from '../../src/index.js';
import { createApp } from '../support/platforms.js';
import { callerError, createClient, freePort } from '../support/microservices.js';

@Controller('orders')
class OrdersController {
  @Get()
  list(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'No orders');
  }

  @MessagePattern('find')
  find(): never {
    throw new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'No such order');
  }
}

const metadata = { imports: [ErrorHandlingModule.forRoot()], controllers: [OrdersController] };
const FIX = 'app.connectMicroservice(options, { inheritAppConfig: true })';

/** A Nest logger that keeps the warnings, so the test sees what the app's operator would. */
function warningLogger(): { logger: LoggerService; warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, logger: { log() {}, error() {}, warn: (message: string) => void warnings.push(message) } };
}

/** Where one TCP microservice listens and its client connects. */
const tcpOptions = async () => ({
  transport: Transport.TCP as const,
  options: { host: '127.0.0.1', port: await freePort() },
});

const hybridWarnings = (warnings: string[]) => warnings.filter((warning) => warning.includes('inheritAppConfig'));

const NOT_FOUND_ENVELOPE = {
  code: ErrorCode.RESOURCE_NOT_FOUND.code,
  reason: 'RESOURCE_NOT_FOUND',
  status: 404,
  message: 'No such order',
  requestId: expect.any(String),
};

describe('hybrid apps (express app + TCP microservice)', () => {
  const opened: Array<INestApplication | INestMicroservice | ClientProxy> = [];
  afterEach(async () => {
    for (const closable of opened.splice(0).reverse()) await closable.close();
  });

  /** A hybrid app with one TCP microservice per entry of `inherit`, each connected with that flag. */
  async function hybridApp(inherit: Array<boolean | undefined>) {
    const { logger, warnings } = warningLogger();
    const microservices = await Promise.all(inherit.map(() => tcpOptions()));
    const app = await createApp('express', metadata, { logger }, (created) =>
      microservices.forEach((options, index) =>
        created.connectMicroservice(
          options,
          inherit[index] === undefined ? undefined : { inheritAppConfig: inherit[index] },
        ),
      ),
    );
    opened.push(app);
    await app.startAllMicroservices();
    const clients = await Promise.all(microservices.map((options) => createClient(options)));
    opened.push(...clients);
    return { app, clients, warnings };
  }

  it('warns once, naming the fix, when microservices are connected without inheritAppConfig; their callers miss the envelope', async () => {
    const { app, clients, warnings } = await hybridApp([undefined, false]);
    expect(hybridWarnings(warnings)).toEqual([expect.stringContaining(FIX)]);
    // The consequence the warning is about: Nest's own RPC filter answers, not the module.
    for (const client of clients) {
      expect(await callerError(client, 'find')).toEqual({ status: 'error', message: 'Internal server error' });
    }
    // The HTTP side of the same app still gets the module.
    const response = await request(app.getHttpServer()).get('/orders');
    expect(response.status).toBe(404);
    expect(response.body.reason).toBe('RESOURCE_NOT_FOUND');
  });

  it('does not warn when the microservice inherits the app config, and its callers get the envelope', async () => {
    const { clients, warnings } = await hybridApp([true]);
    expect(hybridWarnings(warnings)).toEqual([]);
    expect(await callerError(clients[0], 'find')).toEqual(NOT_FOUND_ENVELOPE);
  });

  it('warns about the one microservice of several that does not inherit', async () => {
    const { clients, warnings } = await hybridApp([true, false]);
    expect(hybridWarnings(warnings)).toHaveLength(1);
    expect(await callerError(clients[0], 'find')).toEqual(NOT_FOUND_ENVELOPE);
    expect(await callerError(clients[1], 'find')).toEqual({ status: 'error', message: 'Internal server error' });
  });

  it('does not warn in an HTTP-only app', async () => {
    const { logger, warnings } = warningLogger();
    opened.push(await createApp('express', metadata, { logger }));
    expect(hybridWarnings(warnings)).toEqual([]);
  });

  it('does not warn in a microservice-only app, whose callers get the envelope', async () => {
    const { logger, warnings } = warningLogger();
    const options = await tcpOptions();
    const moduleRef = await Test.createTestingModule(metadata).compile();
    const service = moduleRef.createNestMicroservice({ ...options, logger });
    await service.listen();
    opened.push(service);
    const client = await createClient(options);
    opened.push(client);
    expect(await callerError(client, 'find')).toEqual(NOT_FOUND_ENVELOPE);
    expect(hybridWarnings(warnings)).toEqual([]);
  });

  it('does not warn for microservices connected to an app without the module', async () => {
    const { logger, warnings } = warningLogger();
    const app = await createApp('express', { controllers: [OrdersController] }, { logger }, (created) =>
      created.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } }),
    );
    opened.push(app);
    expect(hybridWarnings(warnings)).toEqual([]);
  });
});
