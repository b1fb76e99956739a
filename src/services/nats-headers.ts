import { createRequire } from 'node:module';

/** What the module needs of NATS message headers (`MsgHdrs` of `@nats-io/nats-core`). */
interface NatsHeaders {
  keys(): string[];
  values(key: string): string[];
  append(key: string, value: string): void;
}

interface NatsPacket {
  metadata?: Record<string, string>;
}

/** A NATS client's serializer gives the message body and its headers (Nest's `NatsRecordSerializer`). */
interface NatsClientLike {
  serializer: { serialize(packet: NatsPacket): { data: unknown; headers?: NatsHeaders } };
}

/** Nest's `ClientNats` or a subclass (an optional peer's class, so recognised by name). */
function isNatsClient(client: object): client is NatsClientLike {
  for (let proto: unknown = Object.getPrototypeOf(client); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === 'ClientNats') return true;
  }
  return false;
}

/**
 * Nest's NATS client sends `packet.metadata` inside the JSON body, where the service cannot read
 * it: `NatsContext` has the message headers, no `getMetadata()`. So a NATS client also sends each
 * metadata entry as a message header, which the service's module reads. A header the call set
 * itself (a `NatsRecord`'s) wins; those headers are copied, never changed, since one record's
 * headers may go out with many calls.
 */
export function sendMetadataAsNatsHeaders(client: object): void {
  if (!isNatsClient(client)) return;
  // Resolved from @nestjs/microservices, as ClientNats' constructor loaded it: present whenever
  // such a client exists, also where a strict installer (pnpm) links it there and not here.
  const fromNest = createRequire(createRequire(import.meta.url).resolve('@nestjs/microservices'));
  const nats = fromNest('@nats-io/transport-node') as { headers(): NatsHeaders };
  const { serializer } = client;
  client.serializer = {
    serialize(packet) {
      const serialized = serializer.serialize(packet);
      const metadata = Object.entries(packet.metadata ?? {});
      if (metadata.length === 0) return serialized;
      const headers = nats.headers();
      const present = new Set<string>();
      for (const key of serialized.headers?.keys() ?? []) {
        for (const value of serialized.headers?.values(key) ?? []) headers.append(key, value);
        present.add(key.toLowerCase());
      }
      for (const [key, value] of metadata) if (!present.has(key.toLowerCase())) headers.append(key, value);
      return { ...serialized, headers };
    },
  };
}
