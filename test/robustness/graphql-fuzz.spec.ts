import {
  Injectable,
  RequestMethod,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { Args, GqlExecutionContext, Query, Resolver } from '@nestjs/graphql';
import { Logger, LoggerModule } from 'nestjs-pino';
import { createPinoHttpOptions, ErrorHandlingModule } from '../../src/index.js';
import { assertSafeAnswers, expectErrorStatus, FUZZ_SEED, thrownFor } from '../support/fuzz-property.js';
import { GRAPHQL_DRIVERS, postGraphql } from '../support/graphql.js';
import { LogCapture } from '../support/log-capture.js';
import { createApp } from '../support/platforms.js';

const RUNS_PER_SITE = 40;

@Injectable()
class ThrowingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { site, id } = GqlExecutionContext.create(context).getArgs<{ site?: string; id?: string }>();
    if (site === 'guard') throw thrownFor(id);
    return true;
  }
}

@Resolver()
@UseGuards(ThrowingGuard)
class FuzzResolver {
  @Query(() => String, { nullable: true })
  fuzz(@Args('site') _site: string, @Args('id') id: string): never {
    throw thrownFor(id);
  }

  @Query(() => String)
  alive(): string {
    return 'alive';
  }
}

const capture = new LogCapture();

describe.each(GRAPHQL_DRIVERS)('fuzzing thrown values in a GraphQL resolver on $name', (driver) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp(
      driver.platform,
      {
        imports: [
          LoggerModule.forRoot({
            forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
            pinoHttp: [createPinoHttpOptions({ level: 'trace' }), capture],
          }),
          ErrorHandlingModule.forRoot({ mode: 'production' }),
          driver.module(),
        ],
        providers: [FuzzResolver],
      },
      { bufferLogs: true },
    );
    app.useLogger(app.get(Logger));
  });
  afterAll(() => app?.close());

  it.each(['handler', 'guard'])(
    `answers ${RUNS_PER_SITE} generated values thrown from a %s with one safe GraphQL error (seed ${FUZZ_SEED})`,
    async (site) => {
      await assertSafeAnswers({
        numRuns: RUNS_PER_SITE,
        call: async (id) => {
          capture.clear();
          const { status, text, data, errors, requestIdHeader } = await postGraphql(
            app,
            'query Fuzz($site: String!, $id: String!) { fuzz(site: $site, id: $id) }',
            { variables: { site, id } },
          );
          return { status, text, data, errors, requestIdHeader };
        },
        check: ({ status, data, errors, requestIdHeader }) => {
          expect(status).toBe(200);
          expect(data).toEqual({ fuzz: null });
          expect(errors).toEqual([
            {
              message: expect.any(String),
              path: ['fuzz'],
              locations: expect.any(Array),
              extensions: {
                code: expect.any(Number),
                reason: expect.any(String),
                status: expect.any(Number),
                requestId: requestIdHeader,
              },
            },
          ]);
          expectErrorStatus(errors[0].extensions?.status);
          // One record per failure, found by the request id the client got (it keeps the thrown
          // message for the operator: the client does not get it).
          const records = capture.lines.filter((line) => line.transport && line.requestId === requestIdHeader);
          expect(records).toEqual([expect.objectContaining({ transport: 'graphql', level: 50 })]);
        },
      });
      expect((await postGraphql(app, '{ alive }')).data).toEqual({ alive: 'alive' });
    },
  );
});
