import type { NestInterceptor } from '@nestjs/common';

/** `@UseInterceptors`' metadata key, as Nest's routers, RPC and gateway context creators read it. */
const INTERCEPTORS_METADATA = '__interceptors__';

/** Every interceptor this function ever put on a method, of every app of the process. */
const moduleInterceptors = new WeakSet<object>();

/** An interceptor class of the module's. */
type InterceptorClass = abstract new (...args: never[]) => NestInterceptor;

/**
 * Puts `interceptor` first among a handler method's own interceptors, the outermost of them,
 * where `@UseInterceptors` would put it: only the handlers that need it get it, where a global
 * interceptor would put every route of the app on Nest's Observable pipeline. The metadata lives
 * on the method, which apps of one process can share (tests boot one after another): the one of
 * class `kind` another app put there is dropped, and with no `interceptor` (this app needs none)
 * none is left. Nest reads the metadata when it builds the handlers: call this before (provider
 * factories, `configure()`).
 */
export function setModuleInterceptor(
  method: Function,
  kind: InterceptorClass,
  interceptor: NestInterceptor | undefined,
): void {
  const declared: unknown[] = Reflect.getMetadata(INTERCEPTORS_METADATA, method) ?? [];
  const own = declared.filter(
    (declaredInterceptor) =>
      !(moduleInterceptors.has(declaredInterceptor as object) && declaredInterceptor instanceof kind),
  );
  if (interceptor === undefined) {
    if (own.length !== declared.length) Reflect.defineMetadata(INTERCEPTORS_METADATA, own, method);
    return;
  }
  moduleInterceptors.add(interceptor);
  Reflect.defineMetadata(INTERCEPTORS_METADATA, [interceptor, ...own], method);
}
