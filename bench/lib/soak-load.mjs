import autocannon from 'autocannon';

/** How many error names `GET /flood/:n` invents, cycled: five times the throttle's 1,000-kind table. */
export const INVENTED_KINDS = 5_000;

const INVALID_PRODUCT = JSON.stringify({ name: '', stock: -1, price: { cents: 0 } });

/**
 * What the soak sends, cycled: each failure, the status it must get, and its path for the n-th
 * request of its sort (a running number, so URLs and messages keep changing). Routes are the
 * sample's and the soak server's FloodController.
 */
export const SOAK_MIX = [
  { label: 'unknown route, every URL distinct', status: 404, path: (n) => `/nowhere/${n}?page=${n}` },
  { label: 'domain error mapped by @OnError', status: 404, path: (n) => `/products/${1_000 + n}` },
  { label: 'OperatedException, every message distinct', status: 404, path: (n) => `/flood/${n}/operated` },
  { label: 'ParseIntPipe', status: 400, path: (n) => `/products/x${n}` },
  {
    label: 'validation, 4 invalid fields',
    status: 400,
    method: 'POST',
    path: () => '/products',
    body: INVALID_PRODUCT,
  },
  { label: 'OperatedException with details', status: 409, method: 'POST', path: () => '/products/2/buy' },
  { label: 'unexpected Error', status: 500, path: () => '/products/1/price' },
  {
    label: `unexpected Error, ${INVENTED_KINDS.toLocaleString('en-US')} invented error names (kinds)`,
    status: 500,
    path: (n) => `/flood/${n % INVENTED_KINDS}`,
  },
];

/** What a failure's answer must be: its status, and the module's JSON envelope. */
function envelopeProblem(sort, status, body, headers) {
  if (status !== sort.status) return `status ${status}, expected ${sort.status}`;
  if (!String(headers['content-type'] ?? '').startsWith('application/json')) {
    return `content-type ${headers['content-type']}`;
  }
  let envelope;
  try {
    envelope = JSON.parse(body);
  } catch {
    return `not JSON: ${String(body).slice(0, 80)}`;
  }
  const { code, reason, message, requestId } = envelope ?? {};
  if (typeof code !== 'number' || typeof reason !== 'string' || typeof message !== 'string') {
    return `not an envelope: ${String(body).slice(0, 80)}`;
  }
  if (typeof requestId !== 'string' || requestId !== headers['x-request-id']) {
    return `requestId ${requestId} is not the X-Request-Id header ${headers['x-request-id']}`;
  }
  return undefined;
}

/**
 * Sends `amount` requests of SOAK_MIX over `connections` keep-alive connections and checks every
 * answer (status, content type, envelope fields, requestId = X-Request-Id). Returns autocannon's
 * counts, the client's errors by message, and the check's: `checked`, `invalid`, the first few
 * problems.
 */
export async function soakLoad(url, { connections, amount }) {
  const check = { checked: 0, invalid: 0, problems: [] };
  const requests = SOAK_MIX.map((sort) => {
    let n = 0;
    return {
      method: sort.method ?? 'GET',
      ...(sort.body && { body: sort.body, headers: { 'content-type': 'application/json' } }),
      setupRequest: (request) => ({ ...request, path: sort.path(n++) }),
      onResponse: (status, body, _context, rawHeaders) => {
        check.checked += 1;
        // autocannon keeps the names as the server spelled them.
        const headers = Object.fromEntries(
          Object.entries(rawHeaders).map(([name, value]) => [name.toLowerCase(), value]),
        );
        const problem = envelopeProblem(sort, status, body, headers);
        if (problem === undefined) return;
        check.invalid += 1;
        if (check.problems.length < 5) check.problems.push(`${sort.label}: ${problem}`);
      },
    };
  });
  // 30 s, not autocannon's 10 s: on a shared machine a single slow answer is load, not a failure.
  const instance = autocannon({ url, connections, amount, requests, sampleInt: 1_000, timeout: 30 });
  const errorMessages = new Map();
  instance.on('reqError', (error) => errorMessages.set(error.message, (errorMessages.get(error.message) ?? 0) + 1));
  const result = await instance;
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => [status, Number(count)]),
  );
  const completed = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    completed,
    statuses,
    // autocannon counts a timeout as an error too.
    errors: result.errors,
    timeouts: result.timeouts,
    errorMessages: Object.fromEntries(errorMessages),
    seconds: result.duration,
    requestsPerSecond: completed / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ...check,
  };
}
