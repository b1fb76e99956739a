#!/usr/bin/env node
// `npm run bench [-- --quick]`: the error-handling benchmark. See bench/README.md.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compileApps } from './lib/compile.mjs';
import { comparisonResult, efficienciesOf, measureComparison } from './lib/compare.mjs';
import { FastapiServer, fastapiUnavailable } from './lib/fastapi-server.mjs';
import { checkMemory } from './lib/memory-check.mjs';
import { parseOptions } from './lib/options.mjs';
import { BENCH_DIR, LOG_DIR, PROFILE_DIR } from './lib/paths.mjs';
import { profileSummaryMarkdown, summarizeProfile } from './lib/profile-summary.mjs';
import {
  comparisonTable,
  machineDescription,
  memoryTable,
  resultsMarkdown,
  stackTraceParagraph,
  verdictOf,
  withSoakBlock,
} from './lib/report.mjs';
import {
  COMPARISONS,
  FASTAPI_SERVER,
  MEMORY_SERVER,
  NEST_SERVERS,
  PLATFORM_SERVER,
  RAW_SERVER,
  RPC_SERVERS,
  SHARED_SERVERS,
} from './lib/scenarios.mjs';
import { ServerProcess } from './lib/server-process.mjs';
import { roundsPerStart } from './lib/stats.mjs';
import { measureStackTraceCost } from './lib/stack-trace-cost.mjs';

const running = new Set();
const startedAt = new Date();

/** Progress on the console, stamped with the seconds since the start. */
function progress(message) {
  console.log(`${((Date.now() - startedAt.getTime()) / 1000).toFixed(1).padStart(6)}s  ${message}`);
}

/** A started server, or the Error it failed with (its comparisons become "not available"). */
async function startServer(name, script, config, settings) {
  try {
    const server = await ServerProcess.start(name, script, {
      env: config ? { BENCH_APP_CONFIG: JSON.stringify(config) } : {},
      cpuProf: settings.cpuProf,
    });
    running.add(server);
    return server;
  } catch (error) {
    console.warn(`! ${error.message}`);
    return error;
  }
}

/** The FastAPI reference app, or an Error saying why it is not there. */
async function startFastapi() {
  const why = fastapiUnavailable();
  if (why) {
    console.warn(`! FastAPI comparisons not available: ${why}`);
    return new Error(why);
  }
  try {
    const server = await FastapiServer.start(FASTAPI_SERVER);
    running.add(server);
    return server;
  } catch (error) {
    console.warn(`! ${error.message}`);
    return error;
  }
}

async function stopServers(servers) {
  await Promise.all(
    servers
      .filter((server) => server instanceof ServerProcess || server instanceof FastapiServer)
      .map(async (server) => {
        await server.stop();
        running.delete(server);
      }),
  );
}

function progressLine(platform, result) {
  const { comparison } = result;
  if (result.unavailable) return `[${platform} ${comparison.id}] not available: ${result.unavailable.split('\n')[0]}`;
  const rps = (side) => Math.round(side.requestsPerSecond).toLocaleString('en-US');
  return (
    `[${platform} ${comparison.id}] ${rps(result.baseline)} → ${rps(result.candidate)} req/s, ratio ${result.ratio.toFixed(3)}, ` +
    `efficiency ${result.efficiency.toFixed(3)} (${verdictOf(result, platform).replaceAll('**', '')})`
  );
}

async function startPlatformServers(platform, names, settings) {
  return Promise.all(
    names.map((name) => {
      if (RPC_SERVERS[name]) return startServer(name, 'rpc-server.js', RPC_SERVERS[name], settings);
      if (name === PLATFORM_SERVER)
        return startServer(`${name}-${platform}`, 'platform-server.js', { platform }, settings);
      const config = { platform, ...NEST_SERVERS[name], pinoFile: path.join(LOG_DIR, `${name}-${platform}.pino.log`) };
      return startServer(`${name}-${platform}`, 'nest-server.js', config, settings);
    }),
  );
}

/**
 * One platform: the rounds of its comparisons are spread over `starts` starts of fresh server
 * processes (each warmed up again), because a process's JIT state can make its CPU per request
 * differ by 10 % or more from that of another start of the same server, for its whole life:
 * interleaving within one start cannot damp that, medians over several starts can. The memory
 * check runs on the module server of the last start.
 */
async function benchPlatform(platform, comparisons, sharedServers, settings) {
  const serverNames = comparisons.flatMap(({ baseline, candidate }) => [baseline.server, candidate.server]);
  if (settings.memoryRequests > 0) serverNames.push(MEMORY_SERVER);
  const names = [...new Set(serverNames)].filter((name) => !SHARED_SERVERS.includes(name));
  const starts = roundsPerStart(settings);
  const runs = new Map(comparisons.map((comparison) => [comparison, { baseline: [], candidate: [] }]));
  const unavailable = new Map();
  let memory;
  for (const [index, rounds] of starts.entries()) {
    const started = await startPlatformServers(platform, names, settings);
    const startLabel = starts.length > 1 ? ` (start ${index + 1} of ${starts.length})` : '';
    progress(`${platform}: started ${names.length} servers${startLabel}`);
    const servers = new Map(names.map((name, at) => [name, started[at]]));
    for (const [name, server] of sharedServers) servers.set(name, server);
    const warmedRoutes = new Set();
    try {
      for (const comparison of comparisons) {
        if (unavailable.has(comparison)) continue;
        const firstRound = starts.slice(0, index).reduce((sum, count) => sum + count, 0);
        const outcome = await measureComparison(comparison, servers, { ...settings, rounds, firstRound }, warmedRoutes);
        if (outcome.unavailable) {
          unavailable.set(comparison, outcome.unavailable);
          continue;
        }
        const collected = runs.get(comparison);
        collected.baseline.push(...outcome.runs.baseline);
        collected.candidate.push(...outcome.runs.candidate);
        if (starts.length > 1) {
          const figures = efficienciesOf(outcome.runs).map((efficiency) => efficiency.toFixed(3));
          progress(`[${platform} ${comparison.id}]${startLabel} efficiency ${figures.join(', ')}`);
        }
      }
      if (index === starts.length - 1 && settings.memoryRequests > 0) {
        memory = await memoryCheckOn(platform, servers.get(MEMORY_SERVER), settings);
      }
    } finally {
      await stopServers(started);
    }
  }
  const results = comparisons.map((comparison) =>
    unavailable.has(comparison)
      ? { comparison, unavailable: unavailable.get(comparison) }
      : comparisonResult(comparison, runs.get(comparison)),
  );
  for (const result of results) progress(progressLine(platform, result));
  return { results, memory };
}

async function memoryCheckOn(platform, server, settings) {
  const check =
    server instanceof ServerProcess
      ? await checkMemory(platform, server, {
          requests: settings.memoryRequests,
          connections: settings.connections,
        }).catch((error) => ({ platform, error: error.message }))
      : { platform, error: `server ${MEMORY_SERVER} is not running: ${server?.message ?? 'not started'}` };
  const mb = (bytes) => (bytes / 1024 / 1024).toFixed(2);
  progress(
    `[${platform} memory] ${check.error ?? `heap ${mb(check.warmHeap)} → ${mb(check.finalHeap)} MB after ${check.requests} failing requests`}`,
  );
  return check;
}

function profileSummaries() {
  if (!existsSync(PROFILE_DIR)) return [];
  return readdirSync(PROFILE_DIR)
    .filter((file) => file.endsWith('.cpuprofile'))
    .sort()
    .map((file) => profileSummaryMarkdown(file, summarizeProfile(path.join(PROFILE_DIR, file))));
}

async function main() {
  const settings = parseOptions();
  progress(
    `nestjs-error-handling bench, ${settings.mode} mode: ${settings.rounds} rounds × ${settings.duration} s, ${settings.warmup} s warm-up, ` +
      `${settings.connections} connections, memory check ${settings.memoryRequests.toLocaleString('en-US')} requests`,
  );
  compileApps();
  progress('compiled the bench apps');
  if (settings.cpuProf) rmSync(PROFILE_DIR, { recursive: true, force: true });

  const stackTraceCost = await measureStackTraceCost();
  progress(stackTraceParagraph(stackTraceCost));

  const comparisons = COMPARISONS.filter((comparison) => !settings.only || settings.only.includes(comparison.id));
  const needs = (name) =>
    comparisons.some(({ baseline, candidate }) => baseline.server === name || candidate.server === name);
  const sharedServers = new Map();
  if (needs(RAW_SERVER))
    sharedServers.set(RAW_SERVER, await startServer(RAW_SERVER, 'raw-http-server.js', undefined, settings));
  if (needs(FASTAPI_SERVER)) sharedServers.set(FASTAPI_SERVER, await startFastapi());
  const tablesByPlatform = new Map();
  const memoryChecks = [];
  try {
    for (const platform of settings.platforms) {
      const onPlatform = comparisons.filter((comparison) => comparison.platforms?.includes(platform) ?? true);
      const { results, memory } = await benchPlatform(platform, onPlatform, sharedServers, settings);
      tablesByPlatform.set(platform, results);
      if (memory) memoryChecks.push(memory);
    }
  } finally {
    await stopServers([...sharedServers.values()]);
  }

  const profiles = settings.cpuProf ? profileSummaries() : [];
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  const markdown = resultsMarkdown({
    settings,
    machine: machineDescription(),
    tablesByPlatform,
    memoryChecks,
    stackTraceCost,
    profiles,
    startedAt,
    seconds,
  });
  const resultsFile = settings.resultsFile ?? path.join(BENCH_DIR, 'RESULTS.md');
  // `npm run soak` owns the block between its markers: kept verbatim.
  const previous = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : '';
  writeFileSync(resultsFile, withSoakBlock(markdown, previous));

  for (const [platform, results] of tablesByPlatform)
    console.log(`\n${platform}\n${comparisonTable(results, platform)}`);
  if (memoryChecks.length > 0) console.log(`\nmemory\n${memoryTable(memoryChecks)}`);
  if (profiles.length > 0) console.log(`\n${profiles.join('\n')}`);
  // Every failed request was logged: hundreds of MB after a full run, not worth keeping.
  if (!settings.keepLogs) rmSync(LOG_DIR, { recursive: true, force: true });
  console.log(
    `\nTargets are printed, never enforced. Written ${path.relative(process.cwd(), resultsFile)} in ${Math.round(seconds)} s.`,
  );
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await stopServers([...running]);
}
