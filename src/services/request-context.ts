import type { ModulesContainer } from '@nestjs/core';
import { AsyncLocalStorage } from 'node:async_hooks';

/** What the module needs of a ClientProxy (an optional peer's class, so recognised by shape). */
interface DispatchingClient {
  onDispatchHook?: (packet: { metadata?: Record<string, string> }) => void;
  setOnDispatchHook(hook: (packet: { metadata?: Record<string, string> }) => void): void;
  send(...args: unknown[]): unknown;
}

function isDispatchingClient(value: unknown): value is DispatchingClient {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as DispatchingClient).setOnDispatchHook === 'function' &&
    typeof (value as DispatchingClient).send === 'function'
  );
}

/** Every ClientProxy instance among the app's providers (ClientsModule's or the app's own), each once. */
export function clientProxiesOf(modules: ModulesContainer): Set<DispatchingClient> {
  const clients = new Set<DispatchingClient>();
  for (const moduleRef of modules.values()) {
    for (const { instance } of moduleRef.providers.values()) {
      if (isDispatchingClient(instance)) clients.add(instance);
    }
  }
  return clients;
}

/**
 * Whether the app declares a ClientProxy, known before any provider is made: a value that is one
 * (ClientsModule.register, `useValue`), or any provider of a ClientsModule (registerAsync, whose
 * factories have not run yet). A ClientProxy made by an app's own factory provider is found only
 * at bootstrap, too late for the interceptor: docs/services.md says to declare it via ClientsModule.
 */
export function declaresClientProxy(modules: ModulesContainer): boolean {
  for (const moduleRef of modules.values()) {
    if (moduleRef.metatype?.name === 'ClientsModule' && moduleRef.providers.size > 0) return true;
    for (const { instance } of moduleRef.providers.values()) {
      if (isDispatchingClient(instance)) return true;
    }
  }
  return false;
}

/**
 * The request a call belongs to, so that ClientProxy calls made while handling it carry its id in
 * their packet metadata. Made only when the app holds a ClientProxy: an app without one pays nothing.
 */
export class RequestContext {
  private readonly storage = new AsyncLocalStorage<string>();

  /** `alsoSend` adds more of the current call's context to each packet (the trace context, with `opentelemetry`). */
  constructor(
    private readonly metadataKey: string,
    private readonly alsoSend?: (packet: { metadata?: Record<string, string> }) => void,
  ) {}

  /** The seam for whatever enters a request (the interceptor, the request-id hook on express). */
  run<T>(requestId: string, callback: () => T): T {
    return this.storage.run(requestId, callback);
  }

  /**
   * Makes the rest of the current execution part of the call `requestId`, for an entry point
   * whose framework code runs after it returns (fastify's listener runs after the request-id
   * hook's on one event, so `run` would not reach it).
   */
  enter(requestId: string): void {
    this.storage.enterWith(requestId);
  }

  /** Composes with a hook the user set: theirs runs first, and a request id they set is kept. */
  propagateThrough(client: DispatchingClient): void {
    const userHook = client.onDispatchHook;
    client.setOnDispatchHook((packet) => {
      userHook?.(packet);
      this.alsoSend?.(packet);
      const requestId = this.storage.getStore();
      if (requestId === undefined || packet.metadata?.[this.metadataKey] !== undefined) return;
      packet.metadata = { ...packet.metadata, [this.metadataKey]: requestId };
    });
  }
}
