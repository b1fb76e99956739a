import autocannon from 'autocannon';

/** A request as the scenarios describe it. */
export function toAutocannonRequest({ method = 'GET', path, body }) {
  return body === undefined
    ? { method, path }
    : { method, path, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
}

/**
 * Drives `url` with autocannon for `duration` seconds, or for `amount` requests, cycling through
 * `requests`. Throughput is counted from the total, not from autocannon's per-second samples,
 * which sub-second runs do not have; a short sampling interval lets a run stop on time (autocannon
 * stops at the first sample after the duration).
 */
export async function load(url, requests, { connections, duration, amount }) {
  const result = await autocannon({
    url,
    connections,
    sampleInt: 100,
    ...(amount === undefined ? { duration } : { amount }),
    requests: requests.map(toAutocannonRequest),
  });
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, { count }]) => [status, Number(count)]),
  );
  const completed = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    requestsPerSecond: completed / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    completed,
    statuses,
    errors: result.errors + result.timeouts,
  };
}

/** One request, for checking what a route answers before it is measured. */
export async function probe(url, request) {
  const { method = 'GET', path, body } = request;
  const response = await fetch(new URL(path, url), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}
