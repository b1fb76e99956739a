import { STATUS_CODES } from 'node:http';
import type { ErrorCatalogue, ErrorCodeEntry } from './catalogue.interfaces.js';
import { ErrorCode } from './error-codes.js';

/**
 * Which entry a plain HttpException of a status gets: the app's `statusCodes`, then the
 * contract defaults, then the generic entries, then the first entry of `codes` with that status.
 * A status nobody names gets a generic entry made once (`HTTP_499`).
 */
export class StatusEntries {
  private readonly byStatus = new Map<number, ErrorCodeEntry>();

  constructor(
    codes: ErrorCatalogue,
    defaults: Readonly<Record<number, ErrorCodeEntry>>,
    statusCodes: Readonly<Record<number, ErrorCodeEntry>>,
  ) {
    for (const entry of Object.values(codes)) {
      if (!this.byStatus.has(entry.status)) this.byStatus.set(entry.status, entry);
    }
    // Generic entries carry code = status × 10; the contract defaults win where they exist.
    for (const entry of Object.values(ErrorCode)) {
      if (entry.code === entry.status * 10) this.byStatus.set(entry.status, entry);
    }
    for (const [status, entry] of [...Object.entries(defaults), ...Object.entries(statusCodes)]) {
      this.byStatus.set(Number(status), entry);
    }
  }

  entryFor(status: number): ErrorCodeEntry {
    let entry = this.byStatus.get(status);
    if (entry === undefined) {
      entry = Object.freeze({
        code: status * 10,
        reason: `HTTP_${status}`,
        status,
        message: STATUS_CODES[status] ?? 'Error',
      });
      this.byStatus.set(status, entry);
    }
    return entry;
  }
}
