import type { ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';
import { isErrorCodeEntry } from '../catalogue/define-error-codes.js';

/** Metadata key of the entries `@ApiErrorResponses` lists on a controller class or route method. */
export const API_ERROR_RESPONSES_METADATA = 'nestjs-error-handling:api-error-responses';

/**
 * Documents, in the @nestjs/swagger document, the catalogue entries a route (or every route of a
 * controller) can answer with: grouped by status, with the schema of the module's `format` and
 * one example per entry; the 500 entry is added. Repeatable. It only records the entries: the
 * module writes swagger's metadata when the app is created, once it knows the format, so
 * @nestjs/swagger stays optional.
 */
export function ApiErrorResponses(...entries: ErrorCodeEntry[]): ClassDecorator & MethodDecorator {
  entries.forEach((entry, index) => {
    if (!isErrorCodeEntry(entry))
      throw new TypeError(`@ApiErrorResponses: argument ${index + 1} is not a catalogue entry`);
  });
  return (holder: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const carrier = descriptor ? descriptor.value : holder;
    const existing: ErrorCodeEntry[] = Reflect.getOwnMetadata(API_ERROR_RESPONSES_METADATA, carrier) ?? [];
    Reflect.defineMetadata(API_ERROR_RESPONSES_METADATA, [...existing, ...entries], carrier);
  };
}
