import type { INestMicroservice, ModuleMetadata } from '@nestjs/common';
import {
  ClientProxyFactory,
  type ClientOptions,
  type ClientProxy,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { createServer } from 'node:net';
import { firstValueFrom, timeout } from 'rxjs';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Boots a real Nest microservice of `metadata` listening with `options`. */
export async function createMicroservice(
  metadata: ModuleMetadata,
  options: MicroserviceOptions,
): Promise<INestMicroservice> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const app = moduleRef.createNestMicroservice<MicroserviceOptions>({ ...options, logger: false } as never);
  await app.listen();
  return app;
}

/** A real ClientProxy for `options`, connected. */
export async function createClient(options: ClientOptions): Promise<ClientProxy> {
  const client = ClientProxyFactory.create(options) as ClientProxy;
  await client.connect();
  return client;
}

/** What the caller's observable errors with, or fails the test if it emits or completes. */
export async function callerError(client: ClientProxy, pattern: unknown, data: unknown = {}): Promise<unknown> {
  try {
    const value = await firstValueFrom(client.send(pattern, data).pipe(timeout(5_000)));
    throw new Error(`expected an error, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('expected an error')) throw error;
    return error;
  }
}
