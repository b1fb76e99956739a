import type { ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';
import { isErrorCodeEntry } from '../catalogue/define-error-codes.js';
import type { ErrorClass, ErrorHandlerMapping, ErrorHandlerTarget } from './resolve.interfaces.js';

/** Metadata key of the `@OnError` mappings on a controller class or route method. */
export const ON_ERROR_METADATA = 'nestjs-error-handling:on-error';

/** Rejects a malformed `[ErrorClass | status, target]` pair where it is declared. */
export function assertErrorHandlerMapping(mapping: unknown, where: string): asserts mapping is ErrorHandlerMapping {
  if (!Array.isArray(mapping) || mapping.length !== 2) {
    throw new TypeError(`${where}: expected a pair [ErrorClass | status, target]`);
  }
  const [match, target] = mapping;
  const isStatus = Number.isInteger(match) && match >= 400 && match <= 599;
  if (!isStatus && typeof match !== 'function') {
    throw new TypeError(`${where}: ${String(match)} is neither an error class nor a status from 400 to 599`);
  }
  if (!isErrorCodeEntry(target) && typeof target !== 'function') {
    throw new TypeError(`${where}: the target must be a catalogue entry or a function (error, context) => exception`);
  }
}

/**
 * Maps an error class (or a status the defaults would answer with) to a catalogue entry or a
 * function, for one route method or every route of a controller. Repeatable. Method mappings
 * beat controller mappings, which beat the module's `handlers`.
 */
export function OnError<E>(match: ErrorClass<E>, target: ErrorHandlerTarget<E>): ClassDecorator & MethodDecorator;
export function OnError(match: number, target: ErrorCodeEntry | ErrorHandlerTarget): ClassDecorator & MethodDecorator;
export function OnError(match: ErrorClass | number, target: ErrorHandlerTarget): ClassDecorator & MethodDecorator {
  const mapping: ErrorHandlerMapping = [match, target];
  assertErrorHandlerMapping(mapping, '@OnError');
  return (holder: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const carrier = descriptor ? descriptor.value : holder;
    const existing: ErrorHandlerMapping[] = Reflect.getOwnMetadata(ON_ERROR_METADATA, carrier) ?? [];
    if (existing.some(([declared]) => declared === match)) {
      const name = typeof match === 'number' ? `status ${match}` : match.name;
      throw new TypeError(`@OnError: ${name} is mapped twice on the same ${descriptor ? 'method' : 'controller'}`);
    }
    Reflect.defineMetadata(ON_ERROR_METADATA, [...existing, mapping], carrier);
  };
}
