import * as grpc from '@grpc/grpc-js';
import { loadSync, type Options as LoaderOptions } from '@grpc/proto-loader';
import { Catch, Controller, InternalServerErrorException, UseFilters, type INestMicroservice } from '@nestjs/common';
import {
  ClientProxyFactory,
  GrpcMethod,
  GrpcStreamCall,
  GrpcStreamMethod,
  Payload,
  RpcException,
  Transport,
  type ClientGrpc,
  type ClientGrpcProxy,
} from '@nestjs/microservices';
import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { LoggerModule } from 'nestjs-pino';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { concat, firstValueFrom, from, map, throwError, toArray, type Observable } from 'rxjs';
import {
  defineErrorCodes,
  ErrorCode,
  ErrorHandlingModule,
  OnError,
  OperatedException,
  OperatedExceptionFilter,
  type ErrorCodeEntry,
  type ErrorHandlingModuleOptions,
  type ErrorLogContext,
} from '../../src/index.js';
import { encodeStatusDetails } from '../../src/respond/grpc-status-details.js';
import { LogCapture } from '../support/log-capture.js';
import { collectUnhandledRejections } from '../support/unhandled-rejections.js';
import { createMicroservice, freePort } from '../support/microservices.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const PROTO_PATH = join(FIXTURES, 'orders.proto');
const LOADER: LoaderOptions = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
const SECRET = 'db password=hunter2';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** gRPC status codes (grpc/status.proto), by name, as grpc-js's own enum has them. */
const Status = grpc.status;

/** The API's table: the gRPC status a failure gets from its entry's HTTP status. */
const GRPC_STATUS_BY_HTTP: Array<[number, grpc.status]> = [
  [400, Status.INVALID_ARGUMENT],
  [401, Status.UNAUTHENTICATED],
  [403, Status.PERMISSION_DENIED],
  [404, Status.NOT_FOUND],
  [409, Status.ALREADY_EXISTS],
  [412, Status.FAILED_PRECONDITION],
  [429, Status.RESOURCE_EXHAUSTED],
  [499, Status.CANCELLED],
  [501, Status.UNIMPLEMENTED],
  [503, Status.UNAVAILABLE],
  [504, Status.DEADLINE_EXCEEDED],
  // Other 4xx and 5xx.
  [402, Status.FAILED_PRECONDITION],
  [418, Status.FAILED_PRECONDITION],
  [422, Status.FAILED_PRECONDITION],
  [500, Status.INTERNAL],
  [502, Status.INTERNAL],
  [507, Status.INTERNAL],
];

/** An entry per tested status, `HTTP_418` → code 70418. */
const ENTRY_BY_STATUS = new Map<number, ErrorCodeEntry>(
  GRPC_STATUS_BY_HTTP.map(([status]) => [
    status,
    { code: 70_000 + status, reason: `HTTP_${status}`, status, message: `Entry of ${status}` },
  ]),
);

const AppError = defineErrorCodes({
  ...ErrorCode,
  PRODUCT_SOLD_OUT: { code: 4101, status: 409, message: 'Product is sold out' },
  ...Object.fromEntries(
    [...ENTRY_BY_STATUS.values()].map(({ reason, code, status, message }) => [reason, { code, status, message }]),
  ),
});

class StockError extends Error {}

class ItemDto {
  @IsNotEmpty()
  name: string;
}

class PlaceOrderDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(8)
  @Matches(/^[a-z0-9-]*$/)
  sku: string;

  @IsInt()
  @Min(1)
  quantity: number;

  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items: ItemDto[];
}

interface FailRequest {
  kind: string;
  status: number;
}

interface Reply {
  text: string;
}

/** What a handler throws for `kind`. */
function thrownFor({ kind, status }: FailRequest): unknown {
  switch (kind) {
    case 'status':
      return new OperatedException(ENTRY_BY_STATUS.get(status)!);
    case 'not-found':
      return new OperatedException(ErrorCode.RESOURCE_NOT_FOUND, 'Product not found', {
        details: { productId: 99, label: 'café' },
        headers: { 'Retry-After': '30', 'grpc-status': '0', 'X-Error-Code': '1' },
      });
    case 'unicode':
      return new OperatedException(AppError.PRODUCT_SOLD_OUT, 'Produit épuisé ✓ 100% «vrai»');
    case 'lone-surrogate':
      return new OperatedException(ErrorCode.INVALID_INPUT, `half an emoji: \ud83d, and ${'😀'.repeat(300)}`);
    case 'long':
      return new OperatedException(ErrorCode.INVALID_INPUT, 'x'.repeat(100_000), {
        details: { blob: 'y'.repeat(100_000) },
      });
    case 'query-failed':
      // Own fields named as grpc-js reads a server error: none of them may reach the client.
      return Object.assign(new Error(`select failed: ${SECRET}`), {
        code: Status.OK,
        details: SECRET,
        metadata: new grpc.Metadata(),
        query: `SELECT * WHERE p='${SECRET}'`,
      });
    case 'internal':
      return new InternalServerErrorException(SECRET, { cause: new Error(`pool: ${SECRET}`) });
    case 'string':
      return SECRET;
    case 'null':
      return null;
    case 'rpc':
      return new RpcException('Not allowed here');
    case 'stock':
      return new StockError('sku-1 is gone');
    default:
      return new Error(`unknown kind ${kind}`);
  }
}

/** A controller-scoped filter whose own mapping fails: the pipeline falls back to its fixed answer. */
@Catch()
class BrokenFilter extends OperatedExceptionFilter {
  protected override mapException(): never {
    throw new Error(`mapping failed: ${SECRET}`);
  }
}

@Controller()
@OnError(StockError, AppError.PRODUCT_SOLD_OUT)
class OrdersController {
  @GrpcMethod('Orders', 'Fail')
  async fail(request: FailRequest): Promise<Reply> {
    if (request.kind === 'ok') return { text: 'ok' };
    if (request.kind.startsWith('async-')) {
      await sleep(1);
      throw thrownFor({ ...request, kind: request.kind.slice('async-'.length) });
    }
    throw thrownFor(request);
  }

  @GrpcMethod('Orders', 'FailHere')
  @OnError(StockError, ErrorCode.CONFLICT)
  failHere(request: FailRequest): never {
    throw thrownFor(request);
  }

  @GrpcMethod('Orders', 'Broken')
  @UseFilters(BrokenFilter)
  broken(request: FailRequest): never {
    throw thrownFor(request);
  }

  @GrpcMethod('Orders', 'Place')
  place(@Payload() order: PlaceOrderDto): Reply {
    return { text: `placed ${order.quantity} ${order.sku}` };
  }

  @GrpcMethod('Orders', 'Ping')
  ping(request: { text: string }): Reply {
    return { text: `pong ${request.text.length}` };
  }

  @GrpcStreamMethod('Orders', 'Collect')
  collect(items: Observable<ItemDto>): Observable<Reply> {
    return items.pipe(
      map((item) => {
        if (item.name === 'bad') throw new OperatedException(ErrorCode.INVALID_INPUT, 'Bad item');
        return item.name;
      }),
      toArray(),
      map((names) => ({ text: names.join(',') })),
    );
  }

  @GrpcStreamCall('Orders', 'CollectRaw')
  collectRaw(_call: unknown, _callback: unknown): never {
    throw new OperatedException(ErrorCode.DENIED_PERMISSION, 'Not yours');
  }

  @GrpcStreamCall('Orders', 'ChatRaw')
  async chatRaw(): Promise<never> {
    await sleep(1);
    throw new Error(`chat failed: ${SECRET}`);
  }

  @GrpcMethod('Orders', 'Watch')
  watch(request: { count: number; kind: string }): Observable<Reply> {
    const replies = from(Array.from({ length: request.count }, (_, index) => ({ text: `reply ${index}` })));
    if (request.kind === '') return replies;
    if (request.kind === 'throw') throw new OperatedException(ErrorCode.DENIED_PERMISSION, 'Not yours');
    return concat(
      replies,
      throwError(() => thrownFor({ kind: request.kind, status: 0 })),
    );
  }
}

/** The stock grpc-js client of orders.proto. */
type OrdersClient = grpc.Client & Record<string, (...args: unknown[]) => grpc.ClientUnaryCall>;

function ordersClient(address: string): OrdersClient {
  const loaded = grpc.loadPackageDefinition(loadSync(PROTO_PATH, LOADER)) as unknown as {
    shop: { v1: { Orders: grpc.ServiceClientConstructor } };
  };
  return new loaded.shop.v1.Orders(address, grpc.credentials.createInsecure()) as unknown as OrdersClient;
}

function metadataOf(entries: Record<string, string>): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
}

/** A unary call's answer. */
function call<T = Reply>(client: OrdersClient, method: string, request: object, metadata = new grpc.Metadata()) {
  return new Promise<T>((resolve, reject) => {
    client[method](request, metadata, { deadline: Date.now() + 5_000 }, (error: unknown, value: T) =>
      error ? reject(error) : resolve(value),
    );
  });
}

/** The ServiceError a unary call fails with; fails the test if it succeeds. */
async function callError(
  client: OrdersClient,
  method: string,
  request: object,
  metadata?: grpc.Metadata,
): Promise<grpc.ServiceError> {
  try {
    const value = await call(client, method, request, metadata);
    throw new Error(`expected an error, got ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('expected an error')) throw error;
    return error as grpc.ServiceError;
  }
}

/** What a server-streaming call delivered, and the error that ended it. */
function watch(client: OrdersClient, request: object): Promise<{ replies: Reply[]; error?: grpc.ServiceError }> {
  return new Promise((resolve) => {
    const replies: Reply[] = [];
    const stream = client.Watch(request, new grpc.Metadata(), {
      deadline: Date.now() + 5_000,
    }) as unknown as grpc.ClientReadableStream<Reply>;
    stream.on('data', (reply: Reply) => replies.push(reply));
    stream.on('error', (error: grpc.ServiceError) => resolve({ replies, error }));
    stream.on('end', () => resolve({ replies }));
  });
}

/** The official google.rpc messages, read by protobufjs: a stock decoder. */
const googleRpc = new protobuf.Root();
googleRpc.resolvePath = (_origin, target) => join(FIXTURES, target);
googleRpc.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true });
const TYPE_URL_PREFIX = 'type.googleapis.com/';

interface DecodedStatus {
  code: number;
  message: string;
  /** Each `Any`, unpacked: its type URL as `@type`, then the message's fields. */
  details: Array<Record<string, unknown>>;
}

/** `grpc-status-details-bin`, decoded as `google.rpc.Status` and its `Any`s unpacked. */
function statusDetailsOf(error: grpc.ServiceError): DecodedStatus {
  const values = error.metadata.get('grpc-status-details-bin');
  expect(values).toHaveLength(1);
  expect(Buffer.isBuffer(values[0])).toBe(true);
  const StatusMessage = googleRpc.lookupType('google.rpc.Status');
  const status = StatusMessage.toObject(StatusMessage.decode(values[0] as Buffer), { defaults: true }) as {
    code: number;
    message: string;
    details: Array<{ type_url: string; value: Uint8Array }>;
  };
  return {
    code: status.code,
    message: status.message,
    details: status.details.map(({ type_url, value }) => {
      expect(type_url.startsWith(TYPE_URL_PREFIX)).toBe(true);
      const type = googleRpc.lookupType(type_url.slice(TYPE_URL_PREFIX.length));
      return { '@type': type_url, ...type.toObject(type.decode(value), { defaults: true }) };
    }),
  };
}

/**
 * The size of an error's trailers as HTTP/2 limits count it (name, value and 32 octets per
 * field; binary values base64-encoded, the message percent-encoded, as grpc-js sends them).
 */
function trailerSize(error: grpc.ServiceError): number {
  const fields: Array<[string, string]> = [
    ['grpc-status', String(error.code)],
    ['grpc-message', encodeURI(error.details)],
    ...Object.entries(error.metadata.getMap()).map(([key, value]): [string, string] => [
      key,
      Buffer.isBuffer(value) ? value.toString('base64') : value,
    ]),
  ];
  return fields.reduce((size, [name, value]) => size + name.length + value.length + 32, 0);
}

/** Every string value of the error's metadata, binary ones decoded as UTF-8. */
function metadataText(error: grpc.ServiceError): string {
  return Object.entries(error.metadata.getMap())
    .map(([key, value]) => `${key}=${Buffer.isBuffer(value) ? value.toString('utf8') : value}`)
    .join('\n');
}

describe('gRPC', () => {
  const unhandled = collectUnhandledRejections();
  let service: INestMicroservice;
  let client: OrdersClient;
  let address: string;
  const capture = new LogCapture();
  const reports: Array<{ error: unknown; context: ErrorLogContext }> = [];

  async function boot(moduleOptions: ErrorHandlingModuleOptions, grpcOptions: object = {}): Promise<void> {
    address = `127.0.0.1:${await freePort()}`;
    service = await createMicroservice(
      {
        imports: [
          LoggerModule.forRoot({ pinoHttp: [{ level: 'trace' }, capture] }),
          ErrorHandlingModule.forRoot({
            codes: AppError,
            validation: true,
            reporters: [{ report: (error, context) => void reports.push({ error, context }) }],
            ...moduleOptions,
          }),
        ],
        controllers: [OrdersController],
      },
      {
        transport: Transport.GRPC,
        options: { package: 'shop.v1', protoPath: PROTO_PATH, url: address, loader: LOADER, ...grpcOptions },
      },
    );
    client = ordersClient(address);
  }

  afterEach(async () => {
    client?.close();
    await service?.close();
    [client, service] = [undefined as never, undefined as never];
    capture.clear();
    reports.length = 0;
  });

  /** Every line logged for one call. */
  function recordsOf(requestId: string) {
    return capture.linesOf(requestId);
  }

  describe('in production mode', () => {
    beforeEach(() => boot({ mode: 'production' }));

    it.each(GRPC_STATUS_BY_HTTP)(
      'answers an entry of HTTP status %i with gRPC status %i',
      async (status, grpcStatus) => {
        const entry = ENTRY_BY_STATUS.get(status)!;
        const error = await callError(client, 'Fail', { kind: 'status', status });
        expect(error.code).toBe(grpcStatus);
        // 5xx in production: the catalogue message, which for these entries is the message itself.
        expect(error.details).toBe(entry.message);
        expect(error.metadata.get('x-error-code')).toEqual([String(entry.code)]);
        expect(error.metadata.get('x-error-reason')).toEqual([entry.reason]);
        expect(error.metadata.get('x-error-status')).toEqual([String(status)]);
        expect(error.metadata.get('x-request-id')).toEqual([expect.stringMatching(UUID)]);
        const details = statusDetailsOf(error);
        expect(details).toEqual({
          code: grpcStatus,
          message: entry.message,
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
              reason: entry.reason,
              domain: 'nestjs-error-handling',
              metadata: { code: String(entry.code), requestId: error.metadata.get('x-request-id')[0] },
            },
          ],
        });
      },
    );

    it('sends the message as details and the rest of the envelope as metadata', async () => {
      const error = await callError(client, 'Fail', { kind: 'not-found' });
      expect(error).toMatchObject({ code: Status.NOT_FOUND, details: 'Product not found' });
      // grpc-js's client makes the message `<code> <NAME>: <details>`.
      expect(error.message).toBe('5 NOT_FOUND: Product not found');
      expect(error.metadata.get('x-error-code')).toEqual(['4001']);
      expect(error.metadata.get('x-error-reason')).toEqual(['RESOURCE_NOT_FOUND']);
      expect(error.metadata.get('x-error-status')).toEqual(['404']);
      // The envelope's details as JSON, with non-ASCII characters escaped (metadata is ASCII).
      expect(error.metadata.get('x-error-details')).toEqual(['{"productId":99,"label":"caf\\u00e9"}']);
      expect(JSON.parse(error.metadata.get('x-error-details')[0] as string)).toEqual({ productId: 99, label: 'café' });
      // The exception's headers, where they are legal and not the module's own or gRPC's.
      expect(error.metadata.get('retry-after')).toEqual(['30']);
      expect(error.metadata.get('grpc-status')).toEqual([]);
    });

    it('returns a well-formed request id sent in `x-request-id`, and replaces an ill-formed one', async () => {
      const sent = await callError(
        client,
        'Fail',
        { kind: 'not-found' },
        metadataOf({ 'x-request-id': 'trace-42.a_b' }),
      );
      expect(sent.metadata.get('x-request-id')).toEqual(['trace-42.a_b']);
      expect(statusDetailsOf(sent).details[0]).toMatchObject({ metadata: { requestId: 'trace-42.a_b' } });
      for (const illFormed of ['has spaces', 'x'.repeat(129), 'semi;colon']) {
        const replaced = await callError(
          client,
          'Fail',
          { kind: 'not-found' },
          metadataOf({ 'x-request-id': illFormed }),
        );
        expect(replaced.metadata.get('x-request-id')).toEqual([expect.stringMatching(UUID)]);
      }
    });

    it.each(['query-failed', 'internal', 'string', 'null'])(
      'masks %s as INTERNAL with the catalogue message, nothing secret in status, details or metadata',
      async (kind) => {
        const error = await callError(client, 'Fail', { kind });
        expect(error.code).toBe(Status.INTERNAL);
        expect(error.details).toBe('Unexpected error');
        expect(error.metadata.get('x-error-code')).toEqual(['9000']);
        expect(error.metadata.get('x-error-reason')).toEqual(['UNEXPECTED_ERROR']);
        expect(error.metadata.get('x-error-details')).toEqual([]);
        const details = statusDetailsOf(error);
        expect(details).toMatchObject({ code: Status.INTERNAL, message: 'Unexpected error' });
        expect(details.details.map((detail) => detail['@type'])).toEqual(['type.googleapis.com/google.rpc.ErrorInfo']);
        const everything = [error.message, error.details, metadataText(error), JSON.stringify(details)].join('\n');
        expect(everything).not.toContain('hunter2');
        expect(everything).not.toContain('SELECT');
        expect(everything).not.toContain('pool');
      },
    );

    it('keeps an RpcException’s message, and answers asynchronous failures the same way', async () => {
      expect(await callError(client, 'Fail', { kind: 'rpc' })).toMatchObject({
        code: Status.INVALID_ARGUMENT,
        details: 'Not allowed here',
      });
      const error = await callError(client, 'Fail', { kind: 'async-not-found' });
      expect(error).toMatchObject({ code: Status.NOT_FOUND, details: 'Product not found' });
      expect(await callError(client, 'Fail', { kind: 'async-null' })).toMatchObject({ code: Status.INTERNAL });
    });

    it('carries non-ASCII messages through, and cuts what would not fit in trailers', async () => {
      const unicode = await callError(client, 'Fail', { kind: 'unicode' });
      expect(unicode).toMatchObject({ code: Status.ALREADY_EXISTS, details: 'Produit épuisé ✓ 100% «vrai»' });
      expect(statusDetailsOf(unicode).message).toBe('Produit épuisé ✓ 100% «vrai»');

      const long = await callError(client, 'Fail', { kind: 'long' });
      expect(long.code).toBe(Status.INVALID_ARGUMENT);
      expect(long.details).toBe(`${'x'.repeat(511)}…`);
      expect(JSON.parse(long.metadata.get('x-error-details')[0] as string)).toEqual({
        omitted: true,
        length: expect.any(Number),
      });
      expect(statusDetailsOf(long).message).toBe(long.details);
      expect(trailerSize(long)).toBeLessThan(8 * 1024);

      // grpc-js percent-encodes the message with encodeURI, which throws on a lone surrogate.
      const surrogate = await callError(client, 'Fail', { kind: 'lone-surrogate' });
      expect(surrogate.code).toBe(Status.INVALID_ARGUMENT);
      expect(surrogate.details.startsWith('half an emoji: \ufffd, and 😀')).toBe(true);
      expect(surrogate.details.endsWith('…')).toBe(true);
      expect(() => encodeURI(surrogate.details)).not.toThrow();
      expect(await call(client, 'Ping', { text: 'still there' })).toEqual({ text: 'pong 11' });
    });

    it('gives validation failures a BadRequest with one field violation per field error', async () => {
      const error = await callError(client, 'Place', { sku: '', quantity: 0, items: [{ name: 'ok' }, { name: '' }] });
      expect(error).toMatchObject({ code: Status.INVALID_ARGUMENT, details: 'Invalid input' });
      expect(error.metadata.get('x-error-reason')).toEqual(['INVALID_INPUT']);
      const requestId = error.metadata.get('x-request-id')[0];
      const details = statusDetailsOf(error);
      expect(details).toEqual({
        code: Status.INVALID_ARGUMENT,
        message: 'Invalid input',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'INVALID_INPUT',
            domain: 'nestjs-error-handling',
            metadata: { code: '1100', requestId },
          },
          {
            '@type': 'type.googleapis.com/google.rpc.BadRequest',
            field_violations: [
              expect.objectContaining({ field: 'sku', description: 'sku should not be empty' }),
              expect.objectContaining({ field: 'quantity', description: 'quantity must not be less than 1' }),
              expect.objectContaining({ field: 'items.1.name', description: 'name should not be empty' }),
            ],
          },
        ],
      });
      // The envelope's details too, for clients that read JSON rather than protobuf.
      expect(JSON.parse(error.metadata.get('x-error-details')[0] as string)).toEqual([
        expect.objectContaining({ field: 'sku', constraints: { isNotEmpty: 'sku should not be empty' } }),
        expect.objectContaining({ field: 'quantity' }),
        expect.objectContaining({ field: 'items.1.name' }),
      ]);
      expect(await call(client, 'Place', { sku: 'a', quantity: 2, items: [] })).toEqual({ text: 'placed 2 a' });
    });

    it('packs as many field violations as fit in 8 KiB of trailers, when there are many', async () => {
      const items = Array.from({ length: 150 }, () => ({ name: '' }));
      const error = await callError(client, 'Place', { sku: 'a', quantity: 1, items });
      expect(error.code).toBe(Status.INVALID_ARGUMENT);
      // The validation details list the first 100 (`maxValidationDetails`), and the message says so.
      expect(error.details).toBe('Invalid input: 150 errors, only the first 100 are listed (50 omitted)');
      const [, badRequest] = statusDetailsOf(error).details as [
        unknown,
        { field_violations: Array<{ field: string }> },
      ];
      expect(badRequest.field_violations.length).toBeGreaterThan(10);
      expect(badRequest.field_violations.length).toBeLessThan(100);
      expect(badRequest.field_violations.map(({ field }) => field)).toEqual(
        Array.from({ length: badRequest.field_violations.length }, (_, index) => `items.${index}.name`),
      );
      expect(JSON.parse(error.metadata.get('x-error-details')[0] as string)).toMatchObject({ omitted: true });
      expect(trailerSize(error)).toBeLessThan(8 * 1024);
    });

    it('joins the messages of a field with several failed constraints in its description', async () => {
      const error = await callError(client, 'Place', { sku: 'TOO-LONG-SKU', quantity: 1, items: [] });
      const [fieldError] = JSON.parse(error.metadata.get('x-error-details')[0] as string) as Array<{
        messages: string[];
      }>;
      expect(fieldError.messages).toHaveLength(2);
      const [, badRequest] = statusDetailsOf(error).details as [unknown, { field_violations: unknown[] }];
      expect(badRequest.field_violations).toEqual([
        expect.objectContaining({ field: 'sku', description: fieldError.messages.join('; ') }),
      ]);
      expect(fieldError.messages.join('; ')).toMatch(/^sku .+; sku .+$/);
    });

    it('applies @OnError on the controller and, more specific, on the method', async () => {
      const controller = await callError(client, 'Fail', { kind: 'stock' });
      expect(controller).toMatchObject({ code: Status.ALREADY_EXISTS, details: 'sku-1 is gone' });
      expect(controller.metadata.get('x-error-reason')).toEqual(['PRODUCT_SOLD_OUT']);
      const method = await callError(client, 'FailHere', { kind: 'stock' });
      expect(method).toMatchObject({ code: Status.ALREADY_EXISTS, details: 'sku-1 is gone' });
      expect(method.metadata.get('x-error-reason')).toEqual(['CONFLICT']);
    });

    it('writes one record per failure with transport, method path and request id, and reports 5xx', async () => {
      const sent = metadataOf({ 'x-request-id': 'req-5xx' });
      const error = await callError(client, 'Fail', { kind: 'query-failed' }, sent);
      expect(error.code).toBe(Status.INTERNAL);
      const records = recordsOf('req-5xx');
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        level: 50,
        transport: 'rpc',
        pattern: '/shop.v1.Orders/Fail',
        status: 500,
        code: 9000,
        reason: 'UNEXPECTED_ERROR',
        requestId: 'req-5xx',
        err: { type: 'Error', message: `select failed: ${SECRET}`, stack: expect.any(String) },
      });
      expect(records[0].msg).toContain('rpc /shop.v1.Orders/Fail');
      expect(records[0].req).toBeUndefined();
      expect(JSON.stringify(records[0])).not.toContain('SELECT');
      expect(reports).toHaveLength(1);
      expect(reports[0].context).toMatchObject({
        transport: 'rpc',
        pattern: '/shop.v1.Orders/Fail',
        requestId: 'req-5xx',
        status: 500,
      });
    });

    it('records a 4xx at warn, unreported, with the method’s own path', async () => {
      await callError(client, 'FailHere', { kind: 'stock' }, metadataOf({ 'x-request-id': 'req-4xx' }));
      const records = recordsOf('req-4xx');
      expect(records).toHaveLength(1);
      expect(records[0]).toMatchObject({
        level: 40,
        transport: 'rpc',
        pattern: '/shop.v1.Orders/FailHere',
        status: 409,
      });
      expect(reports).toHaveLength(0);
    });

    it('answers with the fixed INTERNAL error when the pipeline itself fails', async () => {
      const error = await callError(
        client,
        'Broken',
        { kind: 'not-found' },
        metadataOf({ 'x-request-id': 'req-broken' }),
      );
      expect(error).toMatchObject({ code: Status.INTERNAL, details: 'Unexpected error' });
      expect(error.metadata.get('x-request-id')).toEqual(['req-broken']);
      expect(error.metadata.get('x-error-code')).toEqual(['9000']);
      expect(error.metadata.get('x-error-reason')).toEqual(['UNEXPECTED_ERROR']);
      expect(statusDetailsOf(error)).toEqual({
        code: Status.INTERNAL,
        message: 'Unexpected error',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'UNEXPECTED_ERROR',
            domain: 'nestjs-error-handling',
            metadata: { code: '9000', requestId: 'req-broken' },
          },
        ],
      });
      expect(metadataText(error)).not.toContain('hunter2');
      expect(await call(client, 'Ping', { text: 'abc' })).toEqual({ text: 'pong 3' });
    });

    describe('server streaming', () => {
      it('ends the stream with the status after the replies already sent', async () => {
        const { replies, error } = await watch(client, { count: 2, kind: 'not-found' });
        expect(replies).toEqual([{ text: 'reply 0' }, { text: 'reply 1' }]);
        expect(error).toMatchObject({ code: Status.NOT_FOUND, details: 'Product not found' });
        expect(error!.metadata.get('x-error-code')).toEqual(['4001']);
        expect(statusDetailsOf(error!).details[0]).toMatchObject({ reason: 'RESOURCE_NOT_FOUND' });
        const records = recordsOf(error!.metadata.get('x-request-id')[0] as string);
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({ transport: 'rpc', pattern: '/shop.v1.Orders/Watch' });
      });

      it('answers a handler that throws before streaming, and masks a 5xx', async () => {
        const thrown = await watch(client, { count: 0, kind: 'throw' });
        expect(thrown.replies).toEqual([]);
        expect(thrown.error).toMatchObject({ code: Status.PERMISSION_DENIED, details: 'Not yours' });
        const masked = await watch(client, { count: 1, kind: 'string' });
        expect(masked.replies).toEqual([{ text: 'reply 0' }]);
        expect(masked.error).toMatchObject({ code: Status.INTERNAL, details: 'Unexpected error' });
        expect(metadataText(masked.error!)).not.toContain('hunter2');
        expect(await watch(client, { count: 3, kind: '' })).toEqual({ replies: expect.any(Array) });
      });
    });

    describe('streaming requests', () => {
      function collect(method: string, names: string[]): Promise<{ value?: Reply; error?: grpc.ServiceError }> {
        return new Promise((resolve) => {
          const stream = client[method](
            new grpc.Metadata(),
            { deadline: Date.now() + 5_000 },
            (error: unknown, value: Reply) => resolve(error ? { error: error as grpc.ServiceError } : { value }),
          ) as unknown as grpc.ClientWritableStream<{ name: string }>;
          for (const name of names) stream.write({ name });
          stream.end();
        });
      }

      it('answers a failure of a @GrpcStreamMethod handler', async () => {
        expect(await collect('Collect', ['a', 'b'])).toEqual({ value: { text: 'a,b' } });
        const { error } = await collect('Collect', ['a', 'bad', 'c']);
        expect(error).toMatchObject({ code: Status.INVALID_ARGUMENT, details: 'Bad item' });
        expect(statusDetailsOf(error!).details[0]).toMatchObject({ reason: 'INVALID_INPUT' });
        const records = recordsOf(error!.metadata.get('x-request-id')[0] as string);
        expect(records).toHaveLength(1);
        expect(records[0]).toMatchObject({ transport: 'rpc', pattern: '/shop.v1.Orders/Collect' });
      });

      it('answers a failure of a @GrpcStreamCall handler on the call itself, unary and bidirectional', async () => {
        const { error } = await collect('CollectRaw', ['a']);
        expect(error).toMatchObject({ code: Status.PERMISSION_DENIED, details: 'Not yours' });
        expect(error!.metadata.get('x-error-reason')).toEqual(['DENIED_PERMISSION']);
        const [record] = recordsOf(error!.metadata.get('x-request-id')[0] as string);
        expect(record).toMatchObject({ transport: 'rpc', pattern: '/shop.v1.Orders/CollectRaw', status: 403 });

        const chat = await new Promise<grpc.ServiceError>((resolve) => {
          const stream = client.ChatRaw(new grpc.Metadata(), {
            deadline: Date.now() + 5_000,
          }) as unknown as grpc.ClientDuplexStream<{ name: string }, Reply>;
          stream.on('data', () => undefined);
          stream.on('error', resolve);
          stream.write({ name: 'a' });
        });
        expect(chat).toMatchObject({ code: Status.INTERNAL, details: 'Unexpected error' });
        expect(metadataText(chat)).not.toContain('hunter2');
        // Nest awaits a pass-through handler's result without a catch: nothing may reject there.
        await sleep(20);
        expect(unhandled).toEqual([]);
      });
    });

    describe('bad input', () => {
      it('answers a malformed message with an error status and keeps serving', async () => {
        const error = await new Promise<grpc.ServiceError>((resolve) => {
          client.makeUnaryRequest(
            '/shop.v1.Orders/Ping',
            () => Buffer.from([0xff, 0xff, 0xff]), // a key whose varint never ends
            (buffer: Buffer) => buffer,
            {},
            (failure) => resolve(failure!),
          );
        });
        expect(error.code).toBe(Status.INTERNAL);
        expect(await call(client, 'Ping', { text: 'abc' })).toEqual({ text: 'pong 3' });
      });

      it('answers a message over the receive limit with RESOURCE_EXHAUSTED and keeps serving', async () => {
        const error = await callError(client, 'Ping', { text: 'x'.repeat(5 * 1024 * 1024) });
        expect(error.code).toBe(Status.RESOURCE_EXHAUSTED);
        expect(await call(client, 'Ping', { text: 'abc' })).toEqual({ text: 'pong 3' });
      });

      it('answers an unknown method with UNIMPLEMENTED', async () => {
        const error = await new Promise<grpc.ServiceError>((resolve) => {
          client.makeUnaryRequest(
            '/shop.v1.Orders/Nope',
            () => Buffer.alloc(0),
            (buffer: Buffer) => buffer,
            {},
            (failure) => resolve(failure!),
          );
        });
        expect(error.code).toBe(Status.UNIMPLEMENTED);
      });
    });

    it('gives Nest’s own ClientGrpc the same error', async () => {
      const nestClient = ClientProxyFactory.create({
        transport: Transport.GRPC,
        options: { package: 'shop.v1', protoPath: PROTO_PATH, url: address, loader: LOADER },
      }) as ClientGrpcProxy & ClientGrpc;
      try {
        const orders = nestClient.getService<{ fail(request: FailRequest): Observable<Reply> }>('Orders');
        const error = (await firstValueFrom(orders.fail({ kind: 'not-found', status: 0 })).catch(
          (failure: unknown) => failure,
        )) as grpc.ServiceError;
        expect(error).toMatchObject({ code: Status.NOT_FOUND, details: 'Product not found' });
        expect(error.metadata.get('x-error-code')).toEqual(['4001']);
        expect(statusDetailsOf(error).details[0]).toMatchObject({ reason: 'RESOURCE_NOT_FOUND' });
      } finally {
        nestClient.close();
      }
    });
  });

  describe('the status details encoder, read by protobufjs', () => {
    const decode = (bytes: Buffer) => {
      const StatusMessage = googleRpc.lookupType('google.rpc.Status');
      return StatusMessage.toObject(StatusMessage.decode(bytes), { defaults: true }) as {
        code: number;
        message: string;
        details: Array<{ type_url: string; value: Uint8Array }>;
      };
    };

    it('writes multi-byte varints, long UTF-8 strings, empty map values and empty repeated entries', () => {
      const message = 'ü€😀'.repeat(3000);
      const bytes = encodeStatusDetails(
        {
          code: 300_000,
          message,
          errorInfo: { reason: 'R', domain: 'd', metadata: { empty: '', k: 'v' } },
          debugInfo: { stackEntries: ['', 'at x'], detail: '' },
        },
        1_000_000,
      );
      const status = decode(bytes);
      expect(status).toMatchObject({ code: 300_000, message });
      const ErrorInfo = googleRpc.lookupType('google.rpc.ErrorInfo');
      expect(ErrorInfo.toObject(ErrorInfo.decode(status.details[0].value), { defaults: true })).toEqual({
        reason: 'R',
        domain: 'd',
        metadata: { empty: '', k: 'v' },
      });
      const DebugInfo = googleRpc.lookupType('google.rpc.DebugInfo');
      expect(DebugInfo.toObject(DebugInfo.decode(status.details[1].value), { defaults: true })).toEqual({
        stack_entries: ['', 'at x'],
        detail: '',
      });
    });

    it('stays within its byte budget, keeping the ErrorInfo and as many violations as fit', () => {
      const fieldViolations = Array.from({ length: 500 }, (_, index) => ({ field: `f${index}`, description: 'bad' }));
      const bytes = encodeStatusDetails({
        code: 3,
        message: 'Invalid input',
        errorInfo: { reason: 'INVALID_INPUT', domain: 'd', metadata: {} },
        fieldViolations,
      });
      expect(bytes.length).toBeLessThanOrEqual(3 * 1024);
      const status = decode(bytes);
      const BadRequest = googleRpc.lookupType('google.rpc.BadRequest');
      const { field_violations } = BadRequest.toObject(BadRequest.decode(status.details[1].value)) as {
        field_violations: unknown[];
      };
      // The largest count that fits: one more would not.
      expect(field_violations.length).toBeGreaterThan(100);
      const oneMore = encodeStatusDetails(
        {
          code: 3,
          message: 'Invalid input',
          errorInfo: { reason: 'INVALID_INPUT', domain: 'd', metadata: {} },
          fieldViolations: fieldViolations.slice(0, field_violations.length + 1),
        },
        1_000_000,
      );
      expect(oneMore.length).toBeGreaterThan(3 * 1024);
    });
  });

  describe('in development mode', () => {
    beforeEach(() => boot({ mode: 'development' }));

    it('shows the thrown message, and a DebugInfo with the stack and the cause chain', async () => {
      const error = await callError(client, 'Fail', { kind: 'internal' });
      expect(error).toMatchObject({ code: Status.INTERNAL, details: SECRET });
      const details = statusDetailsOf(error);
      expect(details.details.map((detail) => detail['@type'])).toEqual([
        'type.googleapis.com/google.rpc.ErrorInfo',
        'type.googleapis.com/google.rpc.DebugInfo',
      ]);
      const debug = details.details[1] as { stack_entries: string[]; detail: string };
      expect(debug.stack_entries.length).toBeGreaterThan(0);
      expect(debug.stack_entries[0]).toMatch(/^at /);
      expect(debug.detail).toContain(`InternalServerErrorException: ${SECRET}`);
      expect(debug.detail).toContain(`caused by Error: pool: ${SECRET}`);
    });
  });

  describe('with a custom request id header', () => {
    beforeEach(() => boot({ mode: 'production', requestIdHeader: 'X-Correlation-Id' }));

    it('reads and writes that header’s lower-case name', async () => {
      const error = await callError(
        client,
        'Fail',
        { kind: 'not-found' },
        metadataOf({ 'x-correlation-id': 'corr-1' }),
      );
      expect(error.metadata.get('x-correlation-id')).toEqual(['corr-1']);
      expect(error.metadata.get('x-request-id')).toEqual([]);
    });
  });
});
