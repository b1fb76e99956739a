/** One entry of an error catalogue: what clients see and rely on. */
export interface ErrorCodeEntry<Reason extends string = string> {
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
export interface ErrorCodeDefinition {
  readonly code: number;
  readonly status: number;
  readonly message: string;
  readonly reason?: string;
}

/** A validated catalogue: every key maps to an entry whose `reason` is that key. */
export type ErrorCatalogue<Keys extends string = string> = {
  readonly [Key in Keys]: ErrorCodeEntry<Key>;
};
