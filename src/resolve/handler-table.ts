import type { ErrorHandlerMapping, ErrorHandlerTarget } from './resolve.interfaces.js';
import { nearestClassValue } from '../internal/thrown-value.js';

/**
 * The mappings of one level (a route method, a controller or the module), indexed once so that
 * a lookup walks the error's prototype chain instead of scanning the declarations: the nearest
 * class wins whatever the declaration order.
 */
export class HandlerTable {
  static readonly EMPTY = new HandlerTable([]);

  private readonly byClass = new Map<Function, ErrorHandlerTarget>();
  private readonly byStatus = new Map<number, ErrorHandlerTarget>();

  constructor(mappings: readonly ErrorHandlerMapping[]) {
    for (const [match, target] of mappings) {
      if (typeof match === 'number') this.byStatus.set(match, target);
      else this.byClass.set(match, target);
    }
  }

  /**
   * The target for this error: by class first, then by the status the built-in defaults would
   * answer with (`status` is undefined for errors that already name their entry).
   */
  find(error: unknown, status: number | undefined): ErrorHandlerTarget | undefined {
    const target = nearestClassValue(this.byClass, error);
    if (target !== undefined) return target;
    return status === undefined ? undefined : this.byStatus.get(status);
  }
}
