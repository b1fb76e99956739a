import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HEAP_GROWTH_LIMIT } from './memory-check.mjs';
import { REPO_DIR } from './paths.mjs';
import { roundsPerStart } from './stats.mjs';

const MB = 1024 * 1024;

function versionOf(name) {
  try {
    return JSON.parse(readFileSync(path.join(REPO_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

export function machineDescription() {
  const cpus = os.cpus();
  return {
    cpu: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}`,
    memory: `${Math.round(os.totalmem() / 1024 ** 3)} GiB`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    packages: [
      '@nestjs/core',
      '@nestjs/platform-express',
      '@nestjs/platform-fastify',
      'nestjs-pino',
      'class-validator',
      'autocannon',
    ]
      .map((name) => `${name} ${versionOf(name)}`)
      .join(', '),
  };
}

const requestsPerSecond = (value) => Math.round(value).toLocaleString('en-US');
const milliseconds = ({ p50, p99 }) => `${p50} / ${p99}`;

/** The target of a comparison on a platform: a number, or null (context only). */
export function targetOf(comparison, platform) {
  const { target } = comparison;
  return target !== null && typeof target === 'object' ? (target[platform] ?? null) : target;
}

/** The figure the target applies to: the efficiency (CPU) or the throughput ratio. */
export function measuredFigure(result) {
  return result.comparison.measure === 'rps' ? result.ratio : result.efficiency;
}

const MEASURE_NAMES = { cpu: 'efficiency', rps: 'req/s ratio' };

export function verdictOf(result, platform) {
  const target = targetOf(result.comparison, platform);
  const name = MEASURE_NAMES[result.comparison.measure];
  if (target === null) return 'context';
  const figure = measuredFigure(result);
  return figure >= target ? `${name} ≥ ${target.toFixed(2)} met` : `${name} ≥ ${target.toFixed(2)} **missed**`;
}

/** The lowest and highest per-round value of the figure in bold. */
const rangeOf = ({ range }) => (range ? `${range.min.toFixed(2)}–${range.max.toFixed(2)}` : '');

const cpu = (side) => (Number.isFinite(side.cpuPerRequest) ? side.cpuPerRequest.toFixed(0) : '?');

/**
 * One platform's table: each comparison's two sides (req/s, latency, server CPU per request),
 * the throughput ratio, the efficiency, and the target beside the figure it applies to.
 */
export function comparisonTable(results, platform) {
  const lines = [
    '| # | scenario | baseline | req/s | p50 / p99 ms | CPU µs/req | candidate | req/s | p50 / p99 ms | CPU µs/req | req/s ratio | efficiency | rounds | target |',
    '| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const result of results) {
    const { comparison } = result;
    if (result.unavailable) {
      const target = targetOf(comparison, platform);
      lines.push(
        `| ${comparison.id} | ${comparison.scenario} | ${comparison.baseline.label} | | | | ${comparison.candidate.label} | | | | not available | | | ${target === null ? 'context' : `≥ ${target.toFixed(2)}`} |`,
      );
      continue;
    }
    const warn = (side) => (side.unexpected > 0 ? ` (${side.unexpected} unexpected)` : '');
    const bold = (measure, text) => (comparison.measure === measure ? `**${text}**` : text);
    lines.push(
      `| ${comparison.id} | ${comparison.scenario} | ${comparison.baseline.label} | ${requestsPerSecond(result.baseline.requestsPerSecond)}${warn(result.baseline)} | ${milliseconds(result.baseline)} | ${cpu(result.baseline)} ` +
        `| ${comparison.candidate.label} | ${requestsPerSecond(result.candidate.requestsPerSecond)}${warn(result.candidate)} | ${milliseconds(result.candidate)} | ${cpu(result.candidate)} ` +
        `| ${bold('rps', result.ratio.toFixed(3))} | ${bold('cpu', result.efficiency.toFixed(3))} | ${rangeOf(result)} | ${verdictOf(result, platform)} |`,
    );
  }
  const unavailable = results.filter((result) => result.unavailable);
  if (unavailable.length > 0) {
    lines.push(
      '',
      ...unavailable.map(
        ({ comparison, unavailable: why }) => `- ${comparison.id} not available: ${why.replaceAll('\n', ' ')}`,
      ),
    );
  }
  return lines.join('\n');
}

export function memoryTable(checks) {
  const lines = [
    `| platform | failing requests | heap after warm-up | heap after the run | growth | within ${HEAP_GROWTH_LIMIT / MB} MB |`,
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const check of checks) {
    if (check.error) {
      lines.push(`| ${check.platform} | not available: ${check.error.split('\n')[0]} | | | | |`);
      continue;
    }
    lines.push(
      `| ${check.platform} | ${check.failed.toLocaleString('en-US')} of ${check.requests.toLocaleString('en-US')} | ${(check.warmHeap / MB).toFixed(1)} MB ` +
        `| ${(check.finalHeap / MB).toFixed(1)} MB | ${(check.growth / MB).toFixed(2)} MB | ${check.withinLimit ? 'yes' : '**no**'} |`,
    );
  }
  const first = checks.find((check) => !check.error);
  if (first) {
    lines.push('', `Mix, cycled: ${first.mix.join(', ')}.`);
    if (first.dropped.length > 0) lines.push(`Left out (did not fail on this build): ${first.dropped.join(', ')}.`);
  }
  return lines.join('\n');
}

export function stackTraceParagraph(cost) {
  const extra = cost.withStackNs - cost.withoutStackNs;
  return (
    `A 4xx \`new OperatedException(...)\` at a call depth of ${cost.callDepth}: ${Math.round(cost.withStackNs)} ns with its stack ` +
    `trace captured (\`captureClientErrorStacks = true\`, Error.stackTraceLimit = ${cost.stackTraceLimit}), ` +
    `${Math.round(cost.withoutStackNs)} ns without (the default for 4xx): the trace would cost ${(extra / 1000).toFixed(2)} µs per exception.`
  );
}

/** `3 fresh starts of the servers`, or `one start of the servers`. */
function startsText({ rounds, starts = 1 }) {
  const count = roundsPerStart({ rounds, starts }).length;
  return count === 1 ? 'one start of the servers' : `${count} fresh starts of the servers`;
}

/** bench/RESULTS.md: everything needed to compare a later run with this one. */
export function resultsMarkdown({
  settings,
  machine,
  tablesByPlatform,
  memoryChecks,
  stackTraceCost,
  profiles,
  startedAt,
  seconds,
}) {
  const sections = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${settings.mode === 'quick' ? ' -- --quick' : ''}\` on ${startedAt.toISOString()} (took ${Math.round(seconds)} s).`,
    '',
    `- Machine: ${machine.cpu}, ${machine.memory}, ${machine.os}; shared, so figures move between runs`,
    `- Node ${machine.node}; ${machine.packages}`,
    `- Settings: ${settings.mode} mode, ${settings.rounds} interleaved rounds of ${settings.duration} s per side over ${startsText(settings)}, after ${settings.warmup} s of warm-up per route and start, ` +
      `${settings.connections} connections, autocannon in the runner process, each server a child process on 127.0.0.1`,
    "- req/s, latencies and CPU µs per request (the server process's user + system CPU time over a measured window / the requests it served) are medians over the rounds",
    "- req/s ratio = candidate / baseline; efficiency = baseline's CPU per request / candidate's (above 1 the candidate is cheaper); both are medians of the per-round figures, the sides measured interleaved, A B then B A",
    '- The target applies to the figure in bold: efficiency for the Nest comparisons, req/s ratio against FastAPI; "rounds" is its lowest and highest per-round value',
    '- Row 0 is a control: two processes of the same app, so its efficiency and rounds show the spread of a run where nothing differs',
    '',
  ];
  for (const [platform, results] of tablesByPlatform) {
    sections.push(`## ${platform}`, '', comparisonTable(results, platform), '');
  }
  sections.push(
    '## Memory',
    '',
    memoryChecks.length > 0 ? memoryTable(memoryChecks) : 'Skipped (--memory-requests 0).',
    '',
  );
  if (stackTraceCost)
    sections.push('## Stack-trace cost of an OperatedException', '', stackTraceParagraph(stackTraceCost), '');
  if (profiles.length > 0) sections.push('## CPU profiles (--cpu-prof)', '', ...profiles, '');
  return sections.join('\n');
}

export const SOAK_START = '<!-- soak:start -->';
export const SOAK_END = '<!-- soak:end -->';

/**
 * `markdown` with the soak block of `previous` (the lines from `<!-- soak:start -->` to
 * `<!-- soak:end -->`, which `npm run soak` writes) appended verbatim; unchanged when `previous`
 * has no complete block.
 */
export function withSoakBlock(markdown, previous) {
  const start = previous.indexOf(SOAK_START);
  const end = start === -1 ? -1 : previous.indexOf(SOAK_END, start);
  if (end === -1) return markdown;
  return `${markdown.replace(/\n*$/, '\n\n')}${previous.slice(start, end + SOAK_END.length)}\n`;
}
