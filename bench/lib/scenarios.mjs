/**
 * What is measured: the bench servers (one app, configured five ways), the routes, and the
 * comparisons. A comparison runs `baseline` and `candidate` interleaved; its ratio is
 * candidate / baseline throughput, so above 1 means the candidate is faster.
 */

/**
 * Per platform; `nest-server.js` builds each from the same app factory. `onError: false` leaves
 * out the controller that declares `@OnError`, which is where the module puts its route guard.
 */
export const NEST_SERVERS = {
  nest: { errorHandling: false, validation: false, logging: 'nest' },
  module: { errorHandling: true, validation: false, logging: 'nest' },
  'nest-plain': { errorHandling: false, validation: false, logging: 'nest', onError: false },
  'module-plain': { errorHandling: true, validation: false, logging: 'nest', onError: false },
  /** The same app as `nest-plain`, a process of its own: the control row's other side. */
  'nest-plain-twin': { errorHandling: false, validation: false, logging: 'nest', onError: false },
  'nest-validation': { errorHandling: false, validation: true, logging: 'nest' },
  'module-validation': { errorHandling: true, validation: true, logging: 'nest' },
  'nest-pino': { errorHandling: false, validation: false, logging: 'pino' },
  'module-pino': { errorHandling: true, validation: false, logging: 'pino' },
  'module-quiet': { errorHandling: true, validation: false, logging: 'off' },
  'nest-graphql': { errorHandling: false, validation: false, logging: 'nest', graphql: true },
  'module-graphql': { errorHandling: true, validation: false, logging: 'nest', graphql: true },
  'nest-client': { errorHandling: false, validation: false, logging: 'nest', onError: false, clientProxy: true },
  'module-client': { errorHandling: true, validation: false, logging: 'nest', onError: false, clientProxy: true },
  'nest-context': {
    errorHandling: false,
    validation: false,
    logging: 'nest',
    onError: false,
    clientProxy: true,
    requestContext: true,
  },
};
/** The platform alone (`platform-server.js`, express or fastify without Nest), per platform. */
export const PLATFORM_SERVER = 'platform-alone';
/** Nest microservices on TCP (`rpc-server.js`), with and without the module: no HTTP platform. */
export const RPC_SERVERS = {
  'nest-rpc': { errorHandling: false },
  'module-rpc': { errorHandling: true },
};
/** Platform-free: node:http alone. */
export const RAW_SERVER = 'raw-http';
/** Platform-free: the FastAPI reference app (uvicorn), started when Debian's packages are there. */
export const FASTAPI_SERVER = 'fastapi';
/** Servers shared by both platforms' tables, started once. */
export const SHARED_SERVERS = [RAW_SERVER, FASTAPI_SERVER];

const isEnvelope = (json, code) =>
  json?.code === code && typeof json.reason === 'string' && typeof json.requestId === 'string';

/** An order with 4 of its 10 fields invalid (email, age, price, active). */
const INVALID_ORDER = {
  name: 'Keyboard',
  email: 'not-an-email',
  age: 200,
  quantity: 2,
  price: 'cheap',
  currency: 'EUR',
  sku: 'ABC-1234',
  tags: ['office'],
  active: 'yes',
  note: 'gift',
};

/** A route and what it must answer for its figures to mean anything. */
export const ROUTES = {
  hello: { request: { path: '/hello' }, status: 200 },
  nestNotFound: { request: { path: '/not-found/http' }, status: 404 },
  operatedNotFound: { request: { path: '/not-found/operated' }, status: 404, body: (json) => isEnvelope(json, 4001) },
  operatedNotFoundWithStack: {
    request: { path: '/not-found/operated-with-stack' },
    status: 404,
    body: (json) => isEnvelope(json, 4001),
  },
  handwrittenNotFound: {
    request: { path: '/not-found/handwritten' },
    status: 404,
    body: (json) => isEnvelope(json, 4001),
  },
  rawNotFound: { request: { path: '/anything' }, status: 404, body: (json) => isEnvelope(json, 4001) },
  nestCrash: { request: { path: '/crash' }, status: 500 },
  operatedCrash: { request: { path: '/crash' }, status: 500, body: (json) => isEnvelope(json, 9000) },
  nestInvalidOrder: { request: { method: 'POST', path: '/orders', body: INVALID_ORDER }, status: 400 },
  operatedInvalidOrder: {
    request: { method: 'POST', path: '/orders', body: INVALID_ORDER },
    status: 400,
    body: (json) =>
      isEnvelope(json, 1100) &&
      Array.isArray(json.details) &&
      json.details.every((detail) => typeof detail?.field === 'string'),
  },
  fastapiNotFound: {
    request: { path: '/products/99' },
    status: 404,
    body: (json) => json?.code === 4001 && json.reason === 'RESOURCE_NOT_FOUND',
  },
  platformNotFound: { request: { path: '/products/99' }, status: 404, body: (json) => isEnvelope(json, 4001) },
  nestGraphqlNotFound: {
    request: { method: 'POST', path: '/graphql', body: { query: '{ nestProduct }' } },
    status: 200,
    body: (json) => json?.errors?.length === 1,
  },
  operatedGraphqlNotFound: {
    request: { method: 'POST', path: '/graphql', body: { query: '{ operatedProduct }' } },
    status: 200,
    body: (json) => json?.errors?.length === 1 && isEnvelope(json.errors[0].extensions, 4001),
  },
  nestRpcNotFound: {
    transport: 'tcp',
    request: { pattern: 'nest.product' },
    status: 404,
    body: (error) => error?.status === 404,
  },
  operatedRpcNotFound: {
    transport: 'tcp',
    request: { pattern: 'operated.product' },
    status: 404,
    body: (error) => isEnvelope(error, 4001),
  },
  mappedPlain: { request: { path: '/mapped/plain' }, status: 404, body: (json) => isEnvelope(json, 4001) },
  mappedDomain: { request: { path: '/mapped/domain' }, status: 404, body: (json) => isEnvelope(json, 4001) },
  moduleMappedDomain: { request: { path: '/mapped-by-module' }, status: 404, body: (json) => isEnvelope(json, 4001) },
};

const side = (label, server, route) => ({ label, server, route });
const OPERATED_NOT_FOUND = side('module, OperatedException(RESOURCE_NOT_FOUND)', 'module', ROUTES.operatedNotFound);
const NEST_NOT_FOUND = side('Nest default filter, NotFoundException', 'nest', ROUTES.nestNotFound);

/**
 * `measure` is the figure the target applies to: `cpu`, the efficiency (baseline's server CPU per
 * request / candidate's, above 1 the candidate is cheaper), or `rps`, the throughput ratio
 * (candidate / baseline, above 1 the candidate is faster). `target` is a number, a number per
 * platform, or null (context only). `platforms`, when given, is where the comparison runs.
 */
export const COMPARISONS = [
  {
    id: '0',
    scenario: 'control (A/A): bare Nest against a second process of the same app, nothing differs',
    measure: 'cpu',
    target: null,
    baseline: side('bare Nest', 'nest-plain', ROUTES.hello),
    candidate: side('the same app, another process', 'nest-plain-twin', ROUTES.hello),
  },
  {
    id: '1a',
    scenario: 'happy path: GET returning small JSON (200), no @OnError in the app',
    measure: 'cpu',
    target: 0.97,
    baseline: side('bare Nest', 'nest-plain', ROUTES.hello),
    candidate: side('Nest + ErrorHandlingModule', 'module-plain', ROUTES.hello),
  },
  {
    id: '1b',
    scenario: 'happy path: GET returning small JSON (200), @OnError on another controller of the app',
    measure: 'cpu',
    target: 0.97,
    baseline: side('bare Nest', 'nest', ROUTES.hello),
    candidate: side('Nest + ErrorHandlingModule', 'module', ROUTES.hello),
  },
  {
    id: '1c',
    scenario: 'happy path of an app that declares a ClientProxy: the module runs each handler in its request context',
    measure: 'cpu',
    target: 0.97,
    baseline: side('bare Nest with a ClientProxy', 'nest-client', ROUTES.hello),
    candidate: side('the same + the module (AsyncLocalStorage per call)', 'module-client', ROUTES.hello),
  },
  {
    id: '1d',
    scenario: 'context for 1c: the same AsyncLocalStorage entered per request by bare Nest, no module',
    measure: 'cpu',
    target: null,
    baseline: side('bare Nest with a ClientProxy', 'nest-client', ROUTES.hello),
    candidate: side('the same + an AsyncLocalStorage per request', 'nest-context', ROUTES.hello),
  },
  {
    id: '2a',
    scenario: "404 thrown, the module's default log record (warn) vs Nest's default filter (logs nothing)",
    measure: 'cpu',
    target: 1.0,
    baseline: NEST_NOT_FOUND,
    candidate: OPERATED_NOT_FOUND,
  },
  {
    id: '2e',
    scenario: '404 as 2a, the module writing no log record (its pipeline alone)',
    measure: 'cpu',
    target: null,
    baseline: NEST_NOT_FOUND,
    candidate: side('module, OperatedException, 4xx not logged', 'module-quiet', ROUTES.operatedNotFound),
  },
  {
    id: '3',
    scenario: 'unexpected Error (500), both log the stack',
    measure: 'cpu',
    target: 1.0,
    baseline: side("Nest default, stack through Nest's logger", 'nest', ROUTES.nestCrash),
    candidate: side("module, record through Nest's logger", 'module', ROUTES.operatedCrash),
  },
  {
    id: '4',
    scenario: 'validation failure (400), 10-field DTO',
    measure: 'cpu',
    target: 1.0,
    baseline: side('Nest ValidationPipe', 'nest-validation', ROUTES.nestInvalidOrder),
    candidate: side('module, validation: true', 'module-validation', ROUTES.operatedInvalidOrder),
  },
  {
    id: '5',
    scenario: 'router-level @OnError mapping, 20 handlers, vs the same domain error mapped by a module handler',
    measure: 'cpu',
    target: 0.95,
    baseline: side('module handler (a controller without @OnError)', 'module', ROUTES.moduleMappedDomain),
    candidate: side('@OnError (method + controller level)', 'module', ROUTES.mappedDomain),
  },
  {
    id: '5b',
    scenario: "a domain error mapped by @OnError vs a plain OperatedException (the domain error's own stack included)",
    measure: 'cpu',
    target: null,
    baseline: side('plain OperatedException', 'module', ROUTES.mappedPlain),
    candidate: side('@OnError (method + controller level)', 'module', ROUTES.mappedDomain),
  },
  {
    id: '9',
    scenario: 'RPC failure over TCP (a Nest microservice; shown in the express table, it has no HTTP platform)',
    measure: 'cpu',
    target: 1.0,
    platforms: ['express'],
    baseline: side("Nest's default RPC filter, RpcException (not logged)", 'nest-rpc', ROUTES.nestRpcNotFound),
    candidate: side('module, OperatedException, its record at warn', 'module-rpc', ROUTES.operatedRpcNotFound),
  },
  {
    id: '10',
    scenario: 'GraphQL resolver failure (Apollo on express), one field failing with a 404',
    measure: 'cpu',
    target: 1.0,
    platforms: ['express'],
    baseline: side("Nest's default, NotFoundException", 'nest-graphql', ROUTES.nestGraphqlNotFound),
    candidate: side('module, OperatedException, its record at warn', 'module-graphql', ROUTES.operatedGraphqlNotFound),
  },
  {
    id: '7a',
    scenario: 'equal logging (nestjs-pino, pino-http logging every request): happy path',
    measure: 'cpu',
    target: 0.97,
    baseline: side('Nest + nestjs-pino', 'nest-pino', ROUTES.hello),
    candidate: side('the same + the module', 'module-pino', ROUTES.hello),
  },
  {
    id: '7b',
    scenario: 'equal logging (nestjs-pino): 404 thrown',
    measure: 'cpu',
    target: 0.97,
    baseline: side('Nest + nestjs-pino, NotFoundException', 'nest-pino', ROUTES.nestNotFound),
    candidate: side('the same + the module, OperatedException', 'module-pino', ROUTES.operatedNotFound),
  },
  {
    id: '7c',
    scenario: 'equal logging (nestjs-pino): unexpected Error (500)',
    measure: 'cpu',
    target: 0.97,
    baseline: side('Nest + nestjs-pino', 'nest-pino', ROUTES.nestCrash),
    candidate: side('the same + the module', 'module-pino', ROUTES.operatedCrash),
  },
  {
    id: '8a',
    scenario: 'the same 404 envelope: FastAPI reference app (uvicorn, uvloop, httptools) vs the module',
    measure: 'rps',
    target: { express: 1.0, fastify: 4.0 },
    baseline: side('FastAPI, OperatedException handler', FASTAPI_SERVER, ROUTES.fastapiNotFound),
    candidate: OPERATED_NOT_FOUND,
  },
  {
    id: '8b',
    scenario: "FastAPI's 404 vs Nest's own default 404 (context)",
    measure: 'rps',
    target: null,
    baseline: side('FastAPI, OperatedException handler', FASTAPI_SERVER, ROUTES.fastapiNotFound),
    candidate: NEST_NOT_FOUND,
  },
  {
    id: '8c',
    scenario: "FastAPI's 404 vs the platform alone, no Nest, writing the same envelope (context: the platform's floor)",
    measure: 'rps',
    target: null,
    baseline: side('FastAPI, OperatedException handler', FASTAPI_SERVER, ROUTES.fastapiNotFound),
    candidate: side(
      'express or fastify alone (a route, res.json / reply.send)',
      PLATFORM_SERVER,
      ROUTES.platformNotFound,
    ),
  },
  {
    id: '6',
    scenario: 'floor: raw node:http writing the same envelope (context)',
    measure: 'cpu',
    target: null,
    baseline: side('raw node:http', RAW_SERVER, ROUTES.rawNotFound),
    candidate: OPERATED_NOT_FOUND,
  },
];

/**
 * The memory check's mix of failing requests (4xx and 5xx), sent to the `module-validation`
 * server once its comparisons are done; routes that do not fail on the running library
 * (validation not there yet) are left out.
 */
export const MEMORY_SERVER = 'module-validation';
export const MEMORY_MIX = [
  ROUTES.operatedNotFound,
  ROUTES.nestNotFound,
  ROUTES.mappedDomain,
  { request: { path: '/no/such/route' }, status: 404 },
  ROUTES.operatedInvalidOrder,
  ROUTES.operatedCrash,
];

/** `GET /hello`, or a TCP call's pattern. */
export function requestLabel(route) {
  const { request } = route;
  return route.transport === 'tcp' ? `TCP ${request.pattern}` : `${request.method ?? 'GET'} ${request.path}`;
}

/** Why a probed answer does not fit the route, or undefined when it does. */
export function mismatchOf(route, answer) {
  if (answer.status === route.status && (route.body === undefined || route.body(answer.json))) return undefined;
  const text = answer.text.length > 160 ? `${answer.text.slice(0, 160)}…` : answer.text;
  return `${requestLabel(route)} answered ${answer.status} ${text}, expected ${route.status}${route.body ? ' with the module envelope' : ''}`;
}
