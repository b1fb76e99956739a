import type { INestApplication, ModuleMetadata, NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

export type Platform = 'express' | 'fastify';

export const PLATFORMS: Platform[] = ['express', 'fastify'];

/** What differs between the platforms' own settings: `trustProxy` is express's `trust proxy`, fastify's `trustProxy`. */
export interface PlatformOptions {
  trustProxy?: boolean;
}

/**
 * Boots a real Nest application of `metadata` on the given platform, ready for supertest.
 * `beforeInit` gets the app where main.ts would (useGlobalFilters, useLogger, ...).
 */
export async function createApp(
  platform: Platform,
  metadata: ModuleMetadata,
  options: NestApplicationOptions = {},
  beforeInit?: (app: INestApplication) => void,
  { trustProxy = false }: PlatformOptions = {},
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule(metadata).compile();
  const adapter = platform === 'express' ? new ExpressAdapter() : new FastifyAdapter({ trustProxy });
  const app = moduleRef.createNestApplication(adapter, { logger: false, ...options });
  if (trustProxy && platform === 'express') (app as NestExpressApplication).set('trust proxy', true);
  beforeInit?.(app);
  await app.init();
  if (platform === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}
