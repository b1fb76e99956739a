#!/usr/bin/env node
// `npm run soak [-- --requests N --connections N]`: a million mixed failing requests against the
// sample app, then its throughput, the client's errors, heap and RSS before and after (after a
// forced GC) and the unhandled rejections. Exits 1 when the heap grew by more than 5 MB, a
// rejection went unhandled, the client saw errors or a request got an unexpected status.
import { parseArgs } from 'node:util';
import { compileApps } from './lib/compile.mjs';
import { load } from './lib/load.mjs';
import { ServerProcess } from './lib/server-process.mjs';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: process.env.SOAK_REQUESTS ?? '1000000' },
    connections: { type: 'string', default: process.env.SOAK_CONNECTIONS ?? '100' },
  },
});
const requests = Number(values.requests);
const connections = Number(values.connections);
const WARM_UP_REQUESTS = Math.min(20_000, requests);
const MAX_HEAP_GROWTH = 5 * 1024 * 1024;

/** The sample's failing routes: 404 (mapped, unknown route), 400 (pipe, validation), 409, 500. */
const MIX = [
  { path: '/products/99' },
  { path: '/products/abc' },
  { method: 'POST', path: '/products', body: { name: '', stock: -1, price: { cents: 0 } } },
  { method: 'POST', path: '/products/2/buy' },
  { path: '/products/1/price' },
  { path: '/nowhere' },
];
const EXPECTED_STATUSES = new Set(['400', '404', '409', '500']);

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

console.log(
  `soak: ${requests.toLocaleString('en-US')} failing requests, ${connections} connections, against the sample app`,
);
compileApps();
// The sample logs every failure through nestjs-pino; a million records would fill the disk.
const server = await ServerProcess.start('soak', 'soak-server.js', { env: { LOG_LEVEL: 'silent' } });
try {
  await load(server.url, MIX, { connections, amount: WARM_UP_REQUESTS });
  const before = await server.memory();
  const run = await load(server.url, MIX, { connections, amount: requests });
  const after = await server.memory();

  const unexpected = Object.entries(run.statuses).filter(([status]) => !EXPECTED_STATUSES.has(status));
  const growth = after.heapUsed - before.heapUsed;
  console.log(
    `throughput      ${Math.round(run.requestsPerSecond).toLocaleString('en-US')} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms`,
  );
  console.log(
    `completed       ${run.completed.toLocaleString('en-US')} (${Object.entries(run.statuses)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ')})`,
  );
  console.log(`client errors   ${run.errors}`);
  console.log(
    `heap after GC   ${mb(before.heapUsed)} → ${mb(after.heapUsed)} (growth ${mb(growth)}, limit ${mb(MAX_HEAP_GROWTH)})`,
  );
  console.log(`rss             ${mb(before.rss)} → ${mb(after.rss)}`);
  console.log(`unhandled rejections ${after.unhandledRejections}`);
  const failures = [
    growth > MAX_HEAP_GROWTH && 'the heap grew by more than 5 MB',
    after.unhandledRejections > 0 && 'promise rejections went unhandled',
    run.errors > 0 && 'the client saw errors or timeouts',
    unexpected.length > 0 && `unexpected statuses ${unexpected.map(([status]) => status).join(', ')}`,
    run.completed < requests && `only ${run.completed} of ${requests} requests completed`,
  ].filter(Boolean);
  console.log(failures.length === 0 ? 'soak: passed' : `soak: FAILED: ${failures.join('; ')}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
} finally {
  await server.stop();
}
