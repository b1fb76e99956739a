import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import request, { type Response } from 'supertest';
import type { Platform } from './platforms.js';

/** A GraphQL server as `@nestjs/graphql` runs it: its driver and the platform it needs. */
export interface GraphqlDriver {
  name: 'Apollo' | 'Mercurius';
  platform: Platform;
  /** `GraphQLModule.forRoot` code-first with an in-memory schema, plus the driver's own options. */
  module(options?: Record<string, unknown>): DynamicModule;
}

export const GRAPHQL_DRIVERS: GraphqlDriver[] = [
  {
    name: 'Apollo',
    platform: 'express',
    module: (options = {}) =>
      GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, ...options }),
  },
  {
    name: 'Mercurius',
    platform: 'fastify',
    module: (options = {}) =>
      GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true, ...options }),
  },
];

/** One entry of a GraphQL response's `errors`, as the client parses it. */
export interface GraphqlErrorJson {
  message: string;
  path?: Array<string | number>;
  locations?: Array<{ line: number; column: number }>;
  extensions?: Record<string, unknown>;
}

/** A GraphQL response as the client receives it. */
export interface GraphqlResponse {
  status: number;
  requestIdHeader: string | undefined;
  text: string;
  data: Record<string, unknown> | null | undefined;
  errors: GraphqlErrorJson[];
  raw: Response;
}

/** POSTs one operation to `/graphql`, over real HTTP, and parses the answer. */
export async function postGraphql(
  app: INestApplication,
  query: string,
  { variables, headers = {} }: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GraphqlResponse> {
  const call = request(app.getHttpServer()).post('/graphql').set('Content-Type', 'application/json');
  for (const [name, value] of Object.entries(headers)) call.set(name, value);
  const raw = await call.send({ query, variables });
  const body = JSON.parse(raw.text) as { data?: Record<string, unknown> | null; errors?: GraphqlErrorJson[] };
  return {
    status: raw.status,
    requestIdHeader: raw.headers['x-request-id'] as string | undefined,
    text: raw.text,
    data: body.data,
    errors: body.errors ?? [],
    raw,
  };
}
