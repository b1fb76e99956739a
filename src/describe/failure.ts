import type { ArgumentsHost } from '@nestjs/common';
import type { ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';
import type { MessageTranslator } from '../i18n/message-translator.js';
import { causeChainOf, messageOf, nameOf, stackOf } from '../internal/thrown-value.js';
import type { Resolution, UpstreamInfo } from '../resolve/resolve.interfaces.js';

/** The kind of call a failure happened in: Nest's context types. */
export type Transport = 'http' | 'rpc' | 'ws' | 'graphql';

/** What identifies a call in its record, besides `req`: the RPC or WS pattern, the GraphQL field... */
export type CallIdentity = Readonly<Record<string, string | undefined>>;

/** What was caught, before anything was decided about it. */
export interface Caught {
  /** The thrown value (after a filter subclass's mapping). */
  exception: unknown;
  transport: Transport;
  /** Taken once, when the failure was caught; the fallback answer uses the same. */
  requestId: string;
  /** The platform's request (HTTP, GraphQL over HTTP), else undefined. */
  request: unknown;
  /** What identifies the call outside HTTP: the RPC or WS pattern, the GraphQL field... */
  identity?: CallIdentity;
  /** Absent where there is no call, e.g. documentation examples. */
  host?: ArgumentsHost;
}

/** What development mode shows of the thrown value. */
export interface DebugInfo {
  stack?: string;
  cause?: Array<{ name: string; message: string }>;
}

/**
 * One failure, described once: everything the response and the record say about it. It is made
 * from what was caught and the resolver's verdict, then handed unchanged to the responder of
 * its transport and to the recorder.
 */
export class Failure {
  readonly exception: unknown;
  readonly transport: Transport;
  readonly requestId: string;
  readonly request: unknown;
  readonly identity: CallIdentity | undefined;
  readonly host: ArgumentsHost | undefined;
  readonly entry: ErrorCodeEntry;
  readonly status: number;
  readonly code: number;
  readonly reason: string;
  /**
   * What the client reads: the thrown message, else (and for a 5xx in production) the
   * catalogue's, in the call's language when `i18n` is on.
   */
  readonly message: string;
  /** The error's own message, for the record, even where the client's is masked. */
  readonly ownMessage: string;
  /**
   * What the client reads: an exception's own fields not for a 5xx in production; an input
   * error's field messages in the call's language when `i18n` is on.
   */
  readonly details: unknown;
  /** The details for the record, even where the client's are masked. */
  readonly ownDetails: unknown;
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** What a handler target threw or returned instead of an exception, if it failed. */
  readonly handlerFailure: unknown;
  /** The service whose envelope a ClientProxy call failed with, at an edge. */
  readonly upstream: UpstreamInfo | undefined;
  /** Development mode only: the stack and the cause chain. */
  readonly debug: DebugInfo | undefined;

  constructor(caught: Caught, resolution: Resolution, development: boolean, translate?: MessageTranslator) {
    const { entry } = resolution;
    this.exception = caught.exception;
    this.transport = caught.transport;
    this.requestId = caught.requestId;
    this.request = caught.request;
    this.identity = caught.identity;
    this.host = caught.host;
    this.entry = entry;
    this.status = entry.status;
    this.code = entry.code;
    this.reason = entry.reason;
    const masked = entry.status >= 500 && !development;
    this.ownMessage = resolution.message;
    const message = masked ? entry.message : resolution.message || entry.message;
    // The resolve step fills an empty message with the catalogue's, so that is the one message
    // translated; a message the thrower chose is theirs.
    this.message =
      translate !== undefined && message === entry.message
        ? translate.catalogueMessage(entry.reason, message, caught.host)
        : message;
    this.ownDetails = resolution.details ?? resolution.ownDetails;
    const details = resolution.details ?? (masked ? undefined : resolution.ownDetails);
    // An input error's field messages too; the record keeps them untranslated, as the message.
    this.details =
      translate !== undefined && Array.isArray(details)
        ? translate.fieldErrors(details, caught.exception, caught.host)
        : details;
    this.headers = resolution.headers;
    this.handlerFailure = resolution.handlerFailure;
    this.upstream = resolution.upstream;
    this.debug = development ? debugInfoOf(caught.exception) : undefined;
  }
}

function debugInfoOf(exception: unknown): DebugInfo {
  const causes = causeChainOf(exception, false).map((link) => ({ name: nameOf(link), message: messageOf(link) }));
  return { stack: stackOf(exception), ...(causes.length > 0 && { cause: causes }) };
}
