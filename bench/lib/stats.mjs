export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** How many of the rounds each start of the servers runs: as even as can be, at least one each. */
export function roundsPerStart({ rounds, starts }) {
  const count = Math.min(rounds, starts);
  return Array.from({ length: count }, (_, index) => Math.floor(rounds / count) + (index < rounds % count ? 1 : 0));
}
