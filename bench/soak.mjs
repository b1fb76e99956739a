#!/usr/bin/env node
// `npm run soak [-- --requests N --connections N --results FILE --keep-log]`: a million mixed failing
// requests against the sample app logging through nestjs-pino to a file with `logging.throttle` on,
// every answer checked to be an envelope; then the log file's size, lines and suppressed counts,
// heap and RSS after warm-up and at the end (after a forced GC), the unhandled rejections, and the
// figures written into bench/RESULTS.md between the soak markers. Exits 1 when the heap grew by
// more than 5 MB, a rejection went unhandled, an answer was not the expected envelope, the client
// saw errors or requests did not complete.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileApps } from './lib/compile.mjs';
import { BENCH_DIR } from './lib/paths.mjs';
import { ServerProcess } from './lib/server-process.mjs';
import { countLog } from './lib/soak-log.mjs';
import { SOAK_MIX, soakLoad } from './lib/soak-load.mjs';
import { writeSoakBlock } from './lib/soak-results.mjs';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: process.env.SOAK_REQUESTS ?? '1000000' },
    connections: { type: 'string', default: process.env.SOAK_CONNECTIONS ?? '100' },
    results: { type: 'string', default: path.join(BENCH_DIR, 'RESULTS.md') },
    'keep-log': { type: 'boolean', default: false },
  },
});
const requests = Number(values.requests);
const connections = Number(values.connections);
const WARM_UP_REQUESTS = Math.min(20_000, requests);
const MAX_HEAP_GROWTH = 5 * 1024 * 1024;
/**
 * A realistic throttle (docs/logging.md's example): 100 records a minute for each kind of failure.
 * A minute's window keeps more kinds alive than the table holds (1,000), so its bound is reached.
 */
const THROTTLE = { windowMs: 60_000, limit: 100 };

const count = (value) => value.toLocaleString('en-US');
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const throttleText = `logging.throttle { windowMs: ${THROTTLE.windowMs}, limit: ${THROTTLE.limit} }`;

console.log(
  `soak: ${count(requests)} failing requests (after ${count(WARM_UP_REQUESTS)} of warm-up), ${connections} connections, ` +
    `against the sample app logging through nestjs-pino to a file, ${throttleText}`,
);
compileApps();
const logDir = mkdtempSync(path.join(os.tmpdir(), 'nestjs-error-handling-soak-'));
const logFile = path.join(logDir, 'soak.log');
const startedAt = Date.now();
const server = await ServerProcess.start('soak', 'soak-server.js', {
  env: { SOAK_LOG_FILE: logFile, SOAK_THROTTLE: JSON.stringify(THROTTLE) },
});
let warmUp;
let run;
let before;
let after;
try {
  warmUp = await soakLoad(server.url, { connections, amount: WARM_UP_REQUESTS });
  before = await server.memory();
  run = await soakLoad(server.url, { connections, amount: requests });
  after = await server.memory();
} finally {
  // Stopping flushes the log destination, so the count below sees every line.
  await server.stop();
}
const log = await countLog(logFile);
if (values['keep-log']) console.log(`log kept at ${logFile}`);
else rmSync(logDir, { recursive: true, force: true });
const tookSeconds = (Date.now() - startedAt) / 1000;

const failuresSent = warmUp.completed + run.completed;
const accounted = log.records + log.suppressed;
const growth = after.heapUsed - before.heapUsed;
const invalid = warmUp.invalid + run.invalid;
const problems = [...warmUp.problems, ...run.problems].slice(0, 5);
const clientErrors = warmUp.errors + run.errors;
const clientErrorText =
  Object.entries({ ...warmUp.errorMessages, ...run.errorMessages })
    .map(([message, n]) => `${message}: ${count(n)}`)
    .join(', ') || 'none';
const statusText = Object.entries(run.statuses)
  .map(([status, n]) => `${status}: ${count(n)}`)
  .join(', ');
const failures = [
  growth > MAX_HEAP_GROWTH && `the heap grew by ${mb(growth)}, more than ${mb(MAX_HEAP_GROWTH)}`,
  after.unhandledRejections > 0 && `${after.unhandledRejections} promise rejections went unhandled`,
  invalid > 0 && `${count(invalid)} answers were not the expected envelope (${problems.join('; ')})`,
  clientErrors > 0 && `the client saw ${count(clientErrors)} errors (${clientErrorText})`,
  run.completed < requests && `only ${count(run.completed)} of ${count(requests)} requests completed`,
].filter(Boolean);
const verdict = failures.length === 0 ? 'passed' : `FAILED: ${failures.join('; ')}`;

const rows = [
  ['requests sent', `${count(requests)} failing, after ${count(WARM_UP_REQUESTS)} of warm-up`],
  ['completed', `${count(run.completed)} (${statusText})`],
  [
    'envelopes',
    `every answer checked (status, JSON content type, code/reason/message, requestId = X-Request-Id): ${count(warmUp.checked + run.checked)}, ${count(invalid)} invalid`,
  ],
  ['client errors', clientErrors === 0 ? '0' : `${count(clientErrors)} (${clientErrorText})`],
  [
    'throughput',
    `${count(Math.round(run.requestsPerSecond))} req/s over ${run.seconds} s, p50 ${run.p50} ms, p99 ${run.p99} ms`,
  ],
  ['log file', `${count(log.bytes)} bytes (${mb(log.bytes)}), ${count(log.lines)} lines`],
  [
    'failure records',
    `${count(log.records)}, ${count(log.withSuppressed)} of them with \`suppressed\`, summing to ${count(log.suppressed)}`,
  ],
  [
    'records + suppressed',
    `${count(accounted)} of ${count(failuresSent)} failures (warm-up included); ${count(failuresSent - accounted)} left out in windows still open at the end`,
  ],
  [
    'heap after GC',
    `${mb(before.heapUsed)} after warm-up → ${mb(after.heapUsed)} at the end: growth ${mb(growth)}, target ≤ ${mb(MAX_HEAP_GROWTH)} ${growth <= MAX_HEAP_GROWTH ? 'met' : '**missed**'}`,
  ],
  ['RSS', `${mb(before.rss)} → ${mb(after.rss)}`],
  ['unhandled rejections', String(after.unhandledRejections)],
  ['duration', `${Math.round(tookSeconds)} s in all (build, start, warm-up, run, log count)`],
  ['result', failures.length === 0 ? 'passed' : `**${verdict}**`],
];

for (const [name, value] of rows) console.log(`${name.padEnd(21)} ${value.replaceAll('**', '').replaceAll('`', '')}`);
console.log(`soak: ${verdict}`);

const cpus = os.cpus();
writeSoakBlock(
  values.results,
  [
    '## Soak',
    '',
    `Written by \`npm run soak\` on ${new Date().toISOString()}; the method is in [README.md](README.md#soak).`,
    '',
    `- Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, ${os.type()} ${os.release()} (${os.arch()}); shared, so throughput moves between runs`,
    `- Node ${process.version}; the sample app on express, nestjs-pino writing to a file through an asynchronous \`pino.destination\` (pino-http's access line off), \`${throttleText}\`, ${connections} keep-alive connections`,
    `- Mix, cycled: ${SOAK_MIX.map((sort) => `${sort.status} ${sort.label}`).join('; ')}`,
    '',
    '| measure | value |',
    '| --- | --- |',
    ...rows.map(([name, value]) => `| ${name} | ${value} |`),
  ].join('\n'),
);
console.log(`figures written to ${path.relative(process.cwd(), values.results)} (the soak block)`);
process.exitCode = failures.length === 0 ? 0 : 1;
