import { load, probe } from './load.mjs';
import { MEMORY_MIX, mismatchOf } from './scenarios.mjs';

export const HEAP_GROWTH_LIMIT = 5 * 1024 * 1024;

/**
 * Sends `requests` failing requests (mixed 4xx/5xx) to a module server and compares its heap
 * after a forced GC with the heap after warm-up: a leak per failed request shows here.
 */
export async function checkMemory(platform, server, { requests, connections }) {
  const mix = [];
  const dropped = [];
  for (const route of MEMORY_MIX) {
    const mismatch = mismatchOf(route, await probe(server.url, route.request));
    (mismatch ? dropped : mix).push(route.request);
  }
  const warmupRequests = Math.max(1_000, Math.round(requests / 10));
  await load(server.url, mix, { connections, amount: warmupRequests });
  const warmHeap = await server.heapUsed();
  const run = await load(server.url, mix, { connections, amount: requests });
  const finalHeap = await server.heapUsed();
  const failed = Object.entries(run.statuses).reduce(
    (sum, [status, count]) => sum + (Number(status) >= 400 ? count : 0),
    0,
  );
  return {
    platform,
    requests: run.completed,
    failed,
    mix: mix.map(describe),
    dropped: dropped.map(describe),
    warmHeap,
    finalHeap,
    growth: finalHeap - warmHeap,
    withinLimit: finalHeap - warmHeap <= HEAP_GROWTH_LIMIT,
  };
}

function describe({ method = 'GET', path }) {
  return `${method} ${path}`;
}
