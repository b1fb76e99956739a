/** Every enhancer this function ever put in Nest's metadata, of every app of the process. */
const moduleEnhancers = new WeakSet<object>();

/** An enhancer class of the module's (guard, interceptor, filter). */
type EnhancerClass = abstract new (...args: never[]) => object;

/**
 * Puts `enhancer` first among a class's or a handler method's own enhancers under `metadataKey`
 * (`GUARDS_METADATA`, `INTERCEPTORS_METADATA`, `EXCEPTION_FILTERS_METADATA`), where
 * `@UseGuards`, `@UseInterceptors` or `@UseFilters` would put it: only the handlers that need it
 * get it, where a global one would put every route of the app on Nest's guard or Observable
 * pipeline. First means outermost for interceptors, before the app's own for guards,
 * and tried last for filters.
 *
 * The metadata lives on classes and methods, which apps of one process can share (tests boot one
 * after another): the one of class `kind` another app put there is dropped, and with no `enhancer`
 * (this app needs none) none is left. It is read with `getMetadata`, so what a base class
 * declares stays on a subclass. Nest reads the metadata when it builds the handlers: call this
 * before (provider factories, `configure()`).
 */
export function setModuleEnhancer(
  target: object,
  metadataKey: string,
  kind: EnhancerClass,
  enhancer: object | undefined,
): void {
  const declared: unknown[] = Reflect.getMetadata(metadataKey, target) ?? [];
  const own = declared.filter(
    (declaredEnhancer) => !(moduleEnhancers.has(declaredEnhancer as object) && declaredEnhancer instanceof kind),
  );
  if (enhancer === undefined) {
    if (own.length !== declared.length) Reflect.defineMetadata(metadataKey, own, target);
    return;
  }
  moduleEnhancers.add(enhancer);
  Reflect.defineMetadata(metadataKey, [enhancer, ...own], target);
}
