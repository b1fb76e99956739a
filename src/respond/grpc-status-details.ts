/**
 * The `grpc-status-details-bin` trailer: a `google.rpc.Status` in protobuf's wire format, as
 * gRPC's richer error model defines it (google/rpc/status.proto, google/rpc/error_details.proto),
 * written by hand so that the package depends on no protobuf library. Only what these messages
 * need is here: unsigned varints and length-delimited fields.
 */

/** The `type_url` prefix of `google.protobuf.Any`. */
const TYPE_URL_PREFIX = 'type.googleapis.com/';

/**
 * The most bytes of protobuf the trailer carries (4 KiB once base64-encoded): all trailers of an
 * error stay under 8 KiB, the default metadata limit of grpc-java and gRPC C-core clients.
 */
export const MAX_STATUS_DETAILS_BYTES = 3 * 1024;

/** Wire types of protobuf's encoding. */
const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** The bytes of one message, field after field. Values of proto3 singular fields at their default are left out. */
class ProtoWriter {
  private readonly bytes: number[] = [];
  private readonly chunks: Buffer[] = [];

  /** An unsigned varint field: non-negative integers only (gRPC status codes are). */
  uint(field: number, value: number): this {
    if (value === 0) return this;
    this.key(field, VARINT);
    this.varint(value);
    return this;
  }

  /** A singular string field. */
  string(field: number, value: string): this {
    return value === '' ? this : this.raw(field, Buffer.from(value, 'utf8'));
  }

  /** An element of a repeated string field: written even when empty, so the count stays right. */
  repeatedString(field: number, value: string): this {
    return this.raw(field, Buffer.from(value, 'utf8'));
  }

  /** A nested message (also an element of a repeated message field or a map entry). */
  message(field: number, value: ProtoWriter): this {
    return this.raw(field, value.finish());
  }

  /** A length-delimited field of these bytes. */
  raw(field: number, value: Buffer): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.flush();
    this.chunks.push(value);
    return this;
  }

  finish(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number): void {
    let rest = Math.max(0, Math.trunc(value));
    while (rest > 0x7f) {
      this.bytes.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.bytes.push(rest);
  }

  private flush(): void {
    if (this.bytes.length === 0) return;
    this.chunks.push(Buffer.from(this.bytes));
    this.bytes.length = 0;
  }
}

/** `google.rpc.ErrorInfo`: why the call failed, as a stable, machine-readable reason. */
export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Readonly<Record<string, string>>;
}

/** One `google.rpc.BadRequest.FieldViolation`. */
export interface FieldViolation {
  field: string;
  description: string;
}

/** `google.rpc.DebugInfo`: development mode only. */
export interface DebugInfo {
  stackEntries: readonly string[];
  detail: string;
}

/** What the trailer says: the call's status, and the error details it packs as `Any`s. */
export interface StatusDetails {
  code: number;
  message: string;
  errorInfo: ErrorInfo;
  /** A `BadRequest` is added when there is at least one. */
  fieldViolations?: readonly FieldViolation[];
  debugInfo?: DebugInfo;
}

/** `google.protobuf.Any { string type_url = 1; bytes value = 2; }` of a google.rpc message. */
function any(typeName: string, value: ProtoWriter): ProtoWriter {
  return new ProtoWriter().string(1, TYPE_URL_PREFIX + typeName).raw(2, value.finish());
}

/** `ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }` */
function errorInfoMessage({ reason, domain, metadata }: ErrorInfo): ProtoWriter {
  const writer = new ProtoWriter().string(1, reason).string(2, domain);
  // A map field is a repeated message of entries `{ key = 1; value = 2; }`.
  for (const [key, value] of Object.entries(metadata))
    writer.message(3, new ProtoWriter().string(1, key).string(2, value));
  return writer;
}

/** `BadRequest { repeated FieldViolation field_violations = 1; }`, `FieldViolation { string field = 1; string description = 2; }` */
function badRequestMessage(violations: readonly FieldViolation[]): ProtoWriter {
  const writer = new ProtoWriter();
  for (const { field, description } of violations) {
    writer.message(1, new ProtoWriter().string(1, field).string(2, description));
  }
  return writer;
}

/** `DebugInfo { repeated string stack_entries = 1; string detail = 2; }` */
function debugInfoMessage({ stackEntries, detail }: DebugInfo): ProtoWriter {
  const writer = new ProtoWriter();
  for (const entry of stackEntries) writer.repeatedString(1, entry);
  return writer.string(2, detail);
}

/** `Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }` */
function statusMessage(code: number, message: string, details: readonly ProtoWriter[]): Buffer {
  const writer = new ProtoWriter().uint(1, code).string(2, message);
  for (const detail of details) writer.message(3, detail);
  return writer.finish();
}

/**
 * The `google.rpc.Status` of a failure, at most `maxBytes` long (the message is expected to be
 * short): the `ErrorInfo` always; then as many field violations as fit; then the debug info if
 * it fits, else as many stack entries as do.
 */
export function encodeStatusDetails(details: StatusDetails, maxBytes = MAX_STATUS_DETAILS_BYTES): Buffer {
  const { code, message, errorInfo, fieldViolations = [], debugInfo } = details;
  const packed = [any('google.rpc.ErrorInfo', errorInfoMessage(errorInfo))];
  const fits = (detail: ProtoWriter): boolean => statusMessage(code, message, [...packed, detail]).length <= maxBytes;
  /** Packs the most leading `items` that fit (none if even one does not), found by bisection. */
  const packLargestFitting = <T>(items: readonly T[], pack: (some: readonly T[]) => ProtoWriter): void => {
    let [fitting, failing] = [0, items.length + 1];
    while (failing - fitting > 1) {
      const count = Math.floor((fitting + failing) / 2);
      if (fits(pack(items.slice(0, count)))) fitting = count;
      else failing = count;
    }
    if (fitting > 0) packed.push(pack(items.slice(0, fitting)));
  };
  packLargestFitting(fieldViolations, (some) => any('google.rpc.BadRequest', badRequestMessage(some)));
  if (debugInfo !== undefined) {
    const whole = any('google.rpc.DebugInfo', debugInfoMessage(debugInfo));
    if (fits(whole)) packed.push(whole);
    else
      packLargestFitting(debugInfo.stackEntries, (some) =>
        any('google.rpc.DebugInfo', debugInfoMessage({ stackEntries: some, detail: '' })),
      );
  }
  return statusMessage(code, message, packed);
}
