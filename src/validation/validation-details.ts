import type { ValidationError } from '@nestjs/common';
import type { ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';

/** One property that failed validation, as the envelope's `details` lists it. */
export interface FieldError {
  /** The dotted path inside the validated argument (body, query or params): `items.0.name`. */
  field: string;
  messages: string[];
  /** class-validator's constraint names and their messages. */
  constraints: Record<string, string>;
}

/** The `message` and `details` an input error gets in the envelope. */
export interface InputErrorContent {
  message: string;
  details: unknown[];
}

/** A class-validator ValidationError by shape: a property with constraints or children. */
export function isValidationError(value: unknown): value is ValidationError {
  if (value === null || typeof value !== 'object') return false;
  const { property, constraints, children } = value as Partial<ValidationError>;
  return typeof property === 'string' && (typeof constraints === 'object' || Array.isArray(children));
}

/**
 * Visits, depth first, every error that has constraints of its own, with the path of its parent.
 * A parent that fails itself is visited and its children too, so no child error is lost.
 */
function forEachFailedProperty(
  errors: readonly ValidationError[],
  visit: (parentPath: string, error: ValidationError & { constraints: Record<string, string> }) => void,
  parentPath = '',
): void {
  for (const error of errors) {
    if (error.constraints !== undefined && Object.keys(error.constraints).length > 0) {
      visit(parentPath, error as ValidationError & { constraints: Record<string, string> });
    }
    if (error.children !== undefined && error.children.length > 0) {
      forEachFailedProperty(
        error.children,
        visit,
        parentPath === '' ? error.property : `${parentPath}.${error.property}`,
      );
    }
  }
}

/**
 * Nest's own list of messages for these errors (`items.0.name should not be empty`), so code that
 * reads the exception's response finds strings, as with Nest's default exception factory.
 */
export function validationMessagesOf(items: readonly unknown[]): string[] {
  const messages: string[] = [];
  for (const item of items) {
    if (!isValidationError(item)) {
      messages.push(String(item));
      continue;
    }
    forEachFailedProperty([item], (parentPath, error) => {
      for (const message of Object.values(error.constraints)) {
        messages.push(parentPath === '' ? message : `${parentPath}.${message}`);
      }
    });
  }
  return messages;
}

/**
 * The messages of ValidationPipe's `errorFormat: 'grouped'` (`{ 'items.0.name': [...] }`) as a
 * list: a field entry per path, without constraint names, which that format drops; Nest's `...`
 * key (messages it left out) as plain strings.
 */
export function groupedMessagesOf(grouped: unknown): unknown[] | undefined {
  if (grouped === null || typeof grouped !== 'object' || Array.isArray(grouped)) return undefined;
  const items: unknown[] = [];
  for (const [field, messages] of Object.entries(grouped)) {
    if (!Array.isArray(messages) || !messages.every((message) => typeof message === 'string')) return undefined;
    if (field === '...') items.push(...messages);
    else items.push({ field, messages });
  }
  return items;
}

/**
 * The envelope content of an input error from a list of messages: class-validator errors become
 * field errors with dotted paths, strings (and anything else) stay as they are. At most
 * `maxDetails` entries are built; the rest are only counted, and the message says how many.
 */
export function inputErrorContent(
  items: readonly unknown[],
  entry: ErrorCodeEntry,
  maxDetails: number,
): InputErrorContent {
  const details: unknown[] = [];
  let total = 0;
  const add = (detail: () => unknown): void => {
    if (total++ < maxDetails) details.push(detail());
  };
  for (const item of items) {
    if (!isValidationError(item)) {
      add(() => item);
      continue;
    }
    forEachFailedProperty([item], (parentPath, error) =>
      add((): FieldError => ({
        field: parentPath === '' ? error.property : `${parentPath}.${error.property}`,
        messages: Object.values(error.constraints),
        constraints: error.constraints,
      })),
    );
  }
  const omitted = total - details.length;
  const message =
    omitted > 0
      ? `${entry.message}: ${total} errors, only the first ${details.length} are listed (${omitted} omitted)`
      : '';
  return { message, details };
}

/** A constraint's message rebuilt from the error it failed on: `(error, 'isInt', message) => …`. */
export type ConstraintMessageTranslation = (error: ValidationError, constraint: string, message: string) => string;

/**
 * `details` with each field error that inputErrorContent built from `items` rebuilt, its
 * messages translated constraint by constraint; other entries as they are. A field error is
 * known by its constraints object, which it shares with the error it was built from.
 */
export function translateFieldErrors(
  details: readonly unknown[],
  items: readonly unknown[],
  translate: ConstraintMessageTranslation,
): unknown[] {
  const sources = new Map<unknown, ValidationError>();
  for (const item of items) {
    if (isValidationError(item))
      forEachFailedProperty([item], (_parentPath, error) => sources.set(error.constraints, error));
  }
  return details.map((detail) => {
    const source = sources.get((detail as Partial<FieldError> | null)?.constraints);
    if (source?.constraints === undefined) return detail;
    const constraints: Record<string, string> = {};
    for (const [constraint, message] of Object.entries(source.constraints)) {
      constraints[constraint] = translate(source, constraint, message);
    }
    return { field: (detail as FieldError).field, messages: Object.values(constraints), constraints };
  });
}
