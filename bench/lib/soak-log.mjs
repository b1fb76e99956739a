import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';

/**
 * Reads the soak server's pino log once, line by line (it stays small with the throttle on, and
 * is read as a stream in case it does not): its size, its lines, the module's failure records
 * (the lines with a `reason`), how many of those carry `suppressed` and their sum, and the lines
 * that are not JSON.
 */
export async function countLog(file) {
  const counts = { bytes: statSync(file).size, lines: 0, records: 0, withSuppressed: 0, suppressed: 0, notJson: 0 };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    counts.lines += 1;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      counts.notJson += 1;
      continue;
    }
    if (typeof entry.reason !== 'string') continue;
    counts.records += 1;
    if (typeof entry.suppressed === 'number') {
      counts.withSuppressed += 1;
      counts.suppressed += entry.suppressed;
    }
  }
  return counts;
}
