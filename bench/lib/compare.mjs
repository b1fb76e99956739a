import { load, probe } from './load.mjs';
import { rpcLoad, rpcProbe } from './rpc-load.mjs';
import { mismatchOf, requestLabel } from './scenarios.mjs';
import { median } from './stats.mjs';

const SIDES = ['baseline', 'candidate'];

/**
 * Measures one comparison on one start of its servers: probes both sides (a side that answers
 * the wrong thing makes the comparison "not available" instead of producing a meaningless
 * figure), warms each route up once, then measures `settings.rounds` rounds, the sides
 * interleaved A B, B A so that machine drift hits both alike (`settings.firstRound`, the rounds
 * of earlier starts, keeps the order alternating over the whole run). `servers` maps a server
 * name to its ServerProcess or to the Error it failed to start with. Answers `{ runs }` (per
 * side, in round order) or `{ unavailable }`.
 */
export async function measureComparison(comparison, servers, settings, warmedRoutes) {
  for (const side of SIDES) {
    const { server: name, route } = comparison[side];
    const server = servers.get(name);
    if (server === undefined || server instanceof Error) {
      return { unavailable: `server ${name} is not running: ${firstLine(server?.message ?? 'not started')}` };
    }
    const mismatch = mismatchOf(route, await probeOf(server, route));
    if (mismatch) return { unavailable: mismatch };
  }
  for (const side of SIDES) {
    const { server: name, route } = comparison[side];
    const key = `${name} ${requestLabel(route)}`;
    if (warmedRoutes.has(key) || settings.warmup === 0) continue;
    await loadOf(servers.get(name), route, { connections: settings.connections, duration: settings.warmup });
    warmedRoutes.add(key);
  }
  const runs = { baseline: [], candidate: [] };
  for (let round = 0; round < settings.rounds; round += 1) {
    // A B, then B A, counted over every start: neither side always runs second in a pair.
    for (const side of ((settings.firstRound ?? 0) + round) % 2 === 0 ? SIDES : [...SIDES].reverse()) {
      const { server: name, route } = comparison[side];
      runs[side].push(await measuredRun(servers.get(name), route, settings));
    }
  }
  return { runs };
}

/** One figure per round, from the baseline's and the candidate's run of that round. */
function perRound(runs, figure) {
  return runs.candidate.map((run, round) => figure(runs.baseline[round], run));
}

/** Per round, baseline's CPU per request / candidate's. */
export function efficienciesOf(runs) {
  return perRound(runs, (baseline, candidate) => baseline.cpuPerRequest / candidate.cpuPerRequest);
}

/** A comparison's figures from its runs, over every start of its servers. */
export function comparisonResult(comparison, runs) {
  // Medians of per-round figures: each round's pair ran back to back under the same load.
  const ratios = perRound(runs, (baseline, candidate) => candidate.requestsPerSecond / baseline.requestsPerSecond);
  const efficiencies = efficienciesOf(runs);
  const figures = comparison.measure === 'rps' ? ratios : efficiencies;
  return {
    comparison,
    baseline: summarize(runs.baseline, comparison.baseline.route.status),
    candidate: summarize(runs.candidate, comparison.candidate.route.status),
    ratio: median(ratios),
    efficiency: median(efficiencies),
    // The spread of the figure the target applies to, over the rounds: what one run can tell.
    range: { min: Math.min(...figures), max: Math.max(...figures) },
  };
}

/** One measured window, and the server's CPU time over it per request served, in microseconds. */
async function measuredRun(server, route, settings) {
  const cpuBefore = await server.cpuMicros();
  const run = await loadOf(server, route, { connections: settings.connections, duration: settings.duration });
  const cpu = (await server.cpuMicros()) - cpuBefore;
  return { ...run, cpuPerRequest: cpu / Math.max(1, run.completed) };
}

/** HTTP routes go through autocannon; `transport: 'tcp'` ones through Nest's TCP client. */
function loadOf(server, route, options) {
  return route.transport === 'tcp'
    ? rpcLoad(server.port, route.request, options)
    : load(server.url, [route.request], options);
}

function probeOf(server, route) {
  return route.transport === 'tcp' ? rpcProbe(server.port, route.request) : probe(server.url, route.request);
}

function summarize(runs, expectedStatus) {
  const completed = runs.reduce((sum, run) => sum + run.completed, 0);
  const expected = runs.reduce((sum, run) => sum + (run.statuses[expectedStatus] ?? 0), 0);
  return {
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    cpuPerRequest: median(runs.map((run) => run.cpuPerRequest)),
    completed,
    // Anything but the probed status under load (errors, timeouts, other statuses) is reported.
    unexpected: completed - expected + runs.reduce((sum, run) => sum + run.errors, 0),
  };
}

function firstLine(text) {
  return text.split('\n')[0];
}
