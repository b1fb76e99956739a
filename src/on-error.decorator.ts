import { ON_ERROR_METADATA } from './error-handling.constants.js';
import type { ErrorClass, ErrorHandlerMapping, ErrorHandlerTarget } from './error-handling.interfaces.js';
import type { ErrorCodeEntry } from './error-code.interfaces.js';
import { assertErrorHandlerMapping } from './error-handler-mapping.js';

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
