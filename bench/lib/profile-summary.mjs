import { readFileSync } from 'node:fs';

/** Who a profile node's code belongs to: a package, the library, the bench app, Node or V8. */
function ownerOf({ url, functionName }) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules !== -1) {
    const [scope, name] = url.slice(inModules + '/node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  if (url.includes('/bench/out/src/')) return 'nestjs-error-handling';
  if (url.includes('/bench/out/bench/')) return 'bench app';
  return 'other';
}

function shortLocation({ url, lineNumber }) {
  const file = url.includes('/node_modules/')
    ? url.slice(url.lastIndexOf('/node_modules/') + 14)
    : url.split('/').slice(-2).join('/');
  return `${file}:${lineNumber + 1}`;
}

/**
 * Self time of a .cpuprofile (what `--cpu-prof` writes), grouped by owner and by function,
 * as percentages of the busy (non-idle) time.
 */
export function summarizeProfile(file, top = 12) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const selfTime = new Map(profile.nodes.map((node) => [node.id, 0]));
  profile.samples.forEach((id, index) => selfTime.set(id, selfTime.get(id) + (profile.timeDeltas[index] ?? 0)));
  const byOwner = new Map();
  const byFunction = new Map();
  let busy = 0;
  for (const node of profile.nodes) {
    const time = selfTime.get(node.id);
    if (time === 0 || node.callFrame.functionName === '(idle)') continue;
    busy += time;
    const owner = ownerOf(node.callFrame);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + time);
    const name =
      `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url ? shortLocation(node.callFrame) : ''}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + time);
  }
  const ranked = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, percent: (100 * time) / busy }));
  return { busyMs: busy / 1000, owners: ranked(byOwner), functions: ranked(byFunction) };
}

export function profileSummaryMarkdown(name, summary) {
  const rows = (entries) =>
    entries.map(({ name: entry, percent }) => `| ${percent.toFixed(1)}% | \`${entry}\` |`).join('\n');
  return [
    `#### ${name} (${summary.busyMs.toFixed(0)} ms busy)`,
    '',
    '| self time | owner |',
    '| ---: | --- |',
    rows(summary.owners),
    '',
    '| self time | function |',
    '| ---: | --- |',
    rows(summary.functions),
    '',
  ].join('\n');
}
