import { parseArgs } from 'node:util';

/** Seconds per measured run, warm-up seconds, interleaved rounds, server starts they are spread over, connections, memory-check requests. */
export const MODES = {
  quick: { duration: 0.25, warmup: 0.25, rounds: 2, starts: 1, connections: 10, memoryRequests: 5_000 },
  full: { duration: 1.5, warmup: 1, rounds: 6, starts: 6, connections: 16, memoryRequests: 200_000 },
};

const USAGE = `npm run bench -- [--quick | --full] [options]
  --quick                 smoke run, about 2 minutes (CI)
  --full                  the RESULTS.md figures (default), about 25 minutes
  --duration SEC          seconds per measured run           (env BENCH_DURATION)
  --warmup SEC            warm-up seconds per route          (env BENCH_WARMUP)
  --rounds N              interleaved rounds, A B then B A   (env BENCH_ROUNDS)
  --starts N              fresh server starts the rounds are spread over (env BENCH_STARTS;
                          1 with --cpu-prof, whose profiles are of one start)
  --connections N         concurrent connections             (env BENCH_CONNECTIONS)
  --memory-requests N     failing requests of the memory check, 0 to skip (env BENCH_MEMORY_REQUESTS)
  --platform NAME         express or fastify only
  --only IDS              comparisons to run, e.g. 1a,2a,8a
  --cpu-prof              profile each server from listen to stop (bench/out/profiles/*.cpuprofile,
                          the format of node --cpu-prof) and summarise where the time went
  --keep-logs             keep the servers' logs in bench/out/logs (removed after a clean run)
  --results FILE          where to write the report (default bench/RESULTS.md)`;

function positiveNumber(name, value) {
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0)
    throw new Error(`--${name} must be a non-negative number, got "${value}"`);
  return number;
}

/** Flags beat environment variables, which beat the mode's defaults. */
export function parseOptions(argv = process.argv.slice(2), env = process.env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      starts: { type: 'string' },
      connections: { type: 'string' },
      'memory-requests': { type: 'string' },
      platform: { type: 'string' },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      'keep-logs': { type: 'boolean' },
      results: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const mode = values.quick ? 'quick' : values.full ? 'full' : (env.BENCH_MODE ?? 'full');
  const defaults = MODES[mode];
  if (!defaults) throw new Error(`unknown mode "${mode}": quick or full`);
  const pick = (flag, envName, fallback) => {
    const raw = values[flag] ?? env[envName];
    return raw === undefined ? fallback : positiveNumber(flag, raw);
  };
  const platforms = values.platform ? [values.platform] : ['express', 'fastify'];
  if (!platforms.every((platform) => platform === 'express' || platform === 'fastify')) {
    throw new Error(`--platform must be express or fastify, got "${values.platform}"`);
  }
  return {
    mode,
    duration: pick('duration', 'BENCH_DURATION', defaults.duration),
    warmup: pick('warmup', 'BENCH_WARMUP', defaults.warmup),
    rounds: Math.max(1, Math.round(pick('rounds', 'BENCH_ROUNDS', defaults.rounds))),
    // A profile is written per server and start: one start, so that it is of the whole run.
    starts: values['cpu-prof'] ? 1 : Math.max(1, Math.round(pick('starts', 'BENCH_STARTS', defaults.starts))),
    connections: Math.max(1, Math.round(pick('connections', 'BENCH_CONNECTIONS', defaults.connections))),
    memoryRequests: Math.round(pick('memory-requests', 'BENCH_MEMORY_REQUESTS', defaults.memoryRequests)),
    platforms,
    only: values.only ? values.only.split(',').map((id) => id.trim()) : undefined,
    cpuProf: Boolean(values['cpu-prof']),
    keepLogs: Boolean(values['keep-logs']),
    resultsFile: values.results,
  };
}
