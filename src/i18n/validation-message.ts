import type { ValidationError } from '@nestjs/common';

/** Where a constraint's message lives in the app's translation files: `<prefix>.<constraint>` (`validation.isInt`). */
export const VALIDATION_KEY_PREFIX = 'validation';

/** One key in the call's language, with nestjs-i18n's formatting args; undefined when missing. */
export type Lookup = (key: string, args?: Record<string, unknown>) => string | undefined;

/** A decorator's arguments (`@MinLength(3)`: `[3]`) for a constraint of a property of a target. */
export type ConstraintArgsReader = (
  target: object,
  property: string,
  constraint: string,
) => readonly unknown[] | undefined;

/** A message that is itself a key: dotted words (`validation.NOT_EMPTY`), as nestjs-i18n reads them. */
const KEY = /^[\w-]+(?:\.[\w-]+)+$/;

/**
 * The client's value stands in as this while nestjs-i18n formats, and goes in afterwards as
 * plain text: formatted in, it would be read as a template (nestjs-i18n looks up a `$t(...)` in
 * the formatted text, and its formatter calls functions).
 */
const VALUE_STAND_IN = '\uE000';

/**
 * The key and args of a message that names its translation: nestjs-i18n's
 * `i18nValidationMessage(key, args)` makes `key|{"value":…,"constraints":[…],…}`, and a bare key
 * is one too; undefined for any other message (class-validator's own, or an app's text).
 */
function ownKeyOf(message: string): { key: string; args: Record<string, unknown> } | undefined {
  const separator = message.indexOf('|');
  const key = separator === -1 ? message : message.slice(0, separator);
  if (!KEY.test(key)) return undefined;
  if (separator === -1) return { key, args: {} };
  try {
    const args: unknown = JSON.parse(message.slice(separator + 1));
    return args !== null && typeof args === 'object' && !Array.isArray(args)
      ? { key, args: args as Record<string, unknown> }
      : undefined;
  } catch {
    return undefined;
  }
}

/** As class-validator writes a value into its own messages (`$value`); never throws. */
function textOf(value: unknown): string {
  try {
    return Array.isArray(value) ? value.map(textOf).join(', ') : String(value);
  } catch {
    // A null-prototype object (a parsed query string) has no toString.
    return '';
  }
}

/**
 * One constraint's message in the call's language. The key is the message's own (nestjs-i18n's
 * `i18nValidationMessage`), else `validation.<constraint>`; the args are nestjs-i18n's:
 * `property`, `value`, `constraints` (the decorator's arguments by index: `{constraints.0}`) and
 * those given to `i18nValidationMessage`. A missing key keeps the message (an own key: the key).
 */
export function validationMessageTranslation(
  lookup: Lookup,
  error: ValidationError,
  constraint: string,
  message: string,
  readConstraintArgs: ConstraintArgsReader | undefined,
): string {
  const own = ownKeyOf(message);
  const { constraints: ownConstraintArgs, ...ownArgs } = own?.args ?? {};
  const constraintArgs = Array.isArray(ownConstraintArgs)
    ? ownConstraintArgs
    : error.target !== undefined
      ? readConstraintArgs?.(error.target, error.property, constraint)
      : undefined;
  const translated = lookup(own?.key ?? `${VALIDATION_KEY_PREFIX}.${constraint}`, {
    property: error.property,
    ...ownArgs,
    value: VALUE_STAND_IN,
    constraints: { ...constraintArgs },
  });
  if (translated === undefined) return own?.key ?? message;
  return translated.includes(VALUE_STAND_IN) ? translated.split(VALUE_STAND_IN).join(textOf(error.value)) : translated;
}

/**
 * class-validator keeps a decorator's arguments (`@MinLength(3)`: `[3]`) in its metadata, not in
 * its errors: they are read from there, for the error's target class. Without class-validator
 * (an app that throws its own ValidationError-like objects) there are none.
 */
export async function loadConstraintArgsReader(): Promise<ConstraintArgsReader | undefined> {
  let classValidator: typeof import('class-validator');
  try {
    classValidator = await import('class-validator');
  } catch {
    return undefined;
  }
  const storage = classValidator.getMetadataStorage();
  const byClass = new WeakMap<object, ReturnType<typeof storage.getTargetValidationMetadatas>>();
  return (target, property, constraint) => {
    const constructor = (target as { constructor?: unknown }).constructor;
    if (typeof constructor !== 'function') return undefined;
    let metadatas = byClass.get(constructor);
    if (metadatas === undefined) {
      // Every group's metadata (`always`): the error says which constraint failed, not which group.
      metadatas = storage.getTargetValidationMetadatas(constructor, '', true, false);
      byClass.set(constructor, metadatas);
    }
    // A decorator's constraint name is its metadata's `name` (ValidateBy), its constraint class's
    // name (@Validate), else its type (`nestedValidation`).
    const metadata = metadatas.find(
      (candidate) =>
        candidate.propertyName === property &&
        (candidate.name ??
          (candidate.constraintCls && storage.getTargetValidatorConstraints(candidate.constraintCls)[0]?.name) ??
          candidate.type) === constraint,
    );
    return metadata?.constraints;
  };
}
