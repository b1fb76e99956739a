/**
 * A value kept on an object a framework hands over for one call (a request, a transport
 * context, a resolve info), under a symbol of ours: a property costs a tenth of a WeakMap entry
 * made and collected per call. An object that takes no new property (frozen, sealed) keeps it in
 * a WeakMap instead.
 */
export class Attachment<T> {
  private readonly key: symbol;
  private readonly unextensible = new WeakMap<object, T>();

  constructor(description: string) {
    this.key = Symbol(description);
  }

  get(carrier: object): T | undefined {
    return (carrier as Record<symbol, T | undefined>)[this.key] ?? this.unextensible.get(carrier);
  }

  set(carrier: object, value: T): void {
    if (Object.isExtensible(carrier)) (carrier as Record<symbol, T>)[this.key] = value;
    else this.unextensible.set(carrier, value);
  }
}
