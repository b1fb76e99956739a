/** A pino level; the Nest Logger fallback maps `trace` to `verbose` and `info` to `log`. */
export type ErrorLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** How an entry's failures are recorded, where the entry is defined (beats the module's levels). */
export interface EntryPolicy {
  /** The level of its records, or `false` for none; beats `logging.levels`. */
  readonly log?: ErrorLogLevel | false;
  /** `true`: reported whatever its status; `false`: never reported, 5xx included. */
  readonly report?: boolean;
}

/** One entry of an error catalogue: what clients see and rely on. */
export interface ErrorCodeEntry<Reason extends string = string> extends EntryPolicy {
  /** The stable numeric code agreed with clients. */
  readonly code: number;
  /** The entry's key in its catalogue, e.g. `RESOURCE_NOT_FOUND`. */
  readonly reason: Reason;
  /** The HTTP status sent with it (400–599). */
  readonly status: number;
  /** The default, client-safe message. */
  readonly message: string;
}

/** What `defineErrorCodes` accepts for one entry; `reason` is taken from the key. */
export interface ErrorCodeDefinition extends EntryPolicy {
  readonly code: number;
  readonly status: number;
  readonly message: string;
  readonly reason?: string;
}

/** A validated catalogue: every key maps to an entry whose `reason` is that key. */
export type ErrorCatalogue<Keys extends string = string> = {
  readonly [Key in Keys]: ErrorCodeEntry<Key>;
};
