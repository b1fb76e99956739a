/**
 * What is measured: the bench servers (one app, configured five ways), the routes, and the
 * comparisons. A comparison runs `baseline` and `candidate` interleaved; its ratio is
 * candidate / baseline throughput, so above 1 means the candidate is faster.
 */

/** Per platform; `nest-server.js` builds each from the same app factory. */
export const NEST_SERVERS = {
  nest: { errorHandling: false, validation: false, logging: 'nest' },
  module: { errorHandling: true, validation: false, logging: 'nest' },
  'nest-validation': { errorHandling: false, validation: true, logging: 'nest' },
  'module-validation': { errorHandling: true, validation: true, logging: 'nest' },
  'module-pino': { errorHandling: true, validation: false, logging: 'pino' },
  'module-quiet': { errorHandling: true, validation: false, logging: 'off' },
};
/** Platform-free: node:http alone. */
export const RAW_SERVER = 'raw-http';

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
  mappedPlain: { request: { path: '/mapped/plain' }, status: 404, body: (json) => isEnvelope(json, 4001) },
  mappedDomain: { request: { path: '/mapped/domain' }, status: 404, body: (json) => isEnvelope(json, 4001) },
};

const side = (label, server, route) => ({ label, server, route });
const OPERATED_NOT_FOUND = side('module, OperatedException(RESOURCE_NOT_FOUND)', 'module', ROUTES.operatedNotFound);

export const COMPARISONS = [
  {
    id: '1',
    scenario: 'happy path: GET returning small JSON (200)',
    target: 0.97,
    baseline: side('bare Nest', 'nest', ROUTES.hello),
    candidate: side('Nest + ErrorHandlingModule', 'module', ROUTES.hello),
  },
  {
    id: '2a',
    scenario: '404 from a thrown exception',
    target: 1.0,
    baseline: side('Nest default filter, NotFoundException', 'nest', ROUTES.nestNotFound),
    candidate: OPERATED_NOT_FOUND,
  },
  {
    id: '2b',
    scenario: '404: throwing vs writing the envelope by hand',
    target: 0.9,
    baseline: side('handler writes the 404 envelope itself', 'module', ROUTES.handwrittenNotFound),
    candidate: OPERATED_NOT_FOUND,
  },
  {
    id: '2d',
    scenario: '404 as 2a, the module logging through nestjs-pino (informational)',
    target: null,
    baseline: side('Nest default filter, NotFoundException', 'nest', ROUTES.nestNotFound),
    candidate: side('module, OperatedException, nestjs-pino to a file', 'module-pino', ROUTES.operatedNotFound),
  },
  {
    id: '2e',
    scenario: '404 as 2a, the module writing no log record (informational)',
    target: null,
    baseline: side('Nest default filter, NotFoundException', 'nest', ROUTES.nestNotFound),
    candidate: side('module, OperatedException, 4xx not logged', 'module-quiet', ROUTES.operatedNotFound),
  },
  {
    id: '2c',
    scenario: 'no stack trace for a 4xx OperatedException (informational)',
    target: null,
    baseline: side('stack captured (captureClientErrorStacks = true)', 'module', ROUTES.operatedNotFoundWithStack),
    candidate: side('the default: no stack for a 4xx', 'module', ROUTES.operatedNotFound),
  },
  {
    id: '3',
    scenario: 'unexpected Error (500), logged',
    target: 1.0,
    baseline: side('Nest default, stack to the console', 'nest', ROUTES.nestCrash),
    candidate: side('module, nestjs-pino to a file', 'module-pino', ROUTES.operatedCrash),
  },
  {
    id: '4',
    scenario: 'validation failure (400), 10-field DTO',
    target: 1.0,
    baseline: side('Nest ValidationPipe', 'nest-validation', ROUTES.nestInvalidOrder),
    candidate: side('module, validation: true', 'module-validation', ROUTES.operatedInvalidOrder),
  },
  {
    id: '5',
    scenario: 'router-level @OnError mapping, 20 handlers',
    target: 0.95,
    baseline: side('plain OperatedException', 'module', ROUTES.mappedPlain),
    candidate: side('@OnError (method + controller level)', 'module', ROUTES.mappedDomain),
  },
  {
    id: '6',
    scenario: 'floor: raw node:http writing the same envelope (context)',
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

/** Why a probed answer does not fit the route, or undefined when it does. */
export function mismatchOf(route, answer) {
  if (answer.status === route.status && (route.body === undefined || route.body(answer.json))) return undefined;
  const text = answer.text.length > 160 ? `${answer.text.slice(0, 160)}…` : answer.text;
  return `${route.request.method ?? 'GET'} ${route.request.path} answered ${answer.status} ${text}, expected ${route.status}${route.body ? ' with the module envelope' : ''}`;
}
