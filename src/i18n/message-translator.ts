import type { ArgumentsHost } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';
import { loadConstraintArgsReader, type Lookup, validationMessageTranslation } from './validation-message.js';
import { inputErrorsOf } from '../validation/validation-failed.exception.js';
import { translateFieldErrors } from '../validation/validation-details.js';

/** The client's messages in the call's language; the provider of `MESSAGE_TRANSLATOR`. */
export interface MessageTranslator {
  /**
   * The catalogue's message for a reason in the call's language, or `fallback` (the catalogue's
   * message) when there is no language or no such key.
   */
  catalogueMessage(reason: string, fallback: string, host: ArgumentsHost | undefined): string;
  /**
   * `details` with the field errors built from the exception's class-validator errors in the
   * call's language, constraint by constraint; other entries, and a missing key, as they were.
   */
  fieldErrors(details: readonly unknown[], exception: unknown, host: ArgumentsHost | undefined): readonly unknown[];
}

/** The provider token of the translator: `undefined` unless `i18n` is on. */
export const MESSAGE_TRANSLATOR = Symbol('MESSAGE_TRANSLATOR');

/** Where the catalogue's messages live in the app's translation files: `<prefix>.<REASON>`. */
export const I18N_KEY_PREFIX = 'errors';

/**
 * nestjs-i18n is an optional peer: imported only when `i18n` is on, and its I18nService must be
 * resolvable (the app imports I18nModule), else the app does not start. The language is the one
 * nestjs-i18n's resolvers chose for the call (I18nContext), so the app's resolvers decide.
 */
export async function loadMessageTranslator(moduleRef: ModuleRef): Promise<MessageTranslator> {
  let nestjsI18n: typeof import('nestjs-i18n');
  try {
    nestjsI18n = await import('nestjs-i18n');
  } catch {
    throw new Error('ErrorHandlingModule: `i18n: true` needs nestjs-i18n: npm install nestjs-i18n');
  }
  const { I18nContext, I18nService } = nestjsI18n;
  try {
    moduleRef.get(I18nService, { strict: false });
  } catch {
    throw new Error('ErrorHandlingModule: `i18n: true` needs I18nModule.forRoot(...) in the imports of the app module');
  }
  const constraintArgs = await loadConstraintArgsReader();
  // Taken at the first failure: while modules are being instantiated, Nest hands out a
  // placeholder that the real I18nService later replaces.
  let service: import('nestjs-i18n').I18nService | undefined;
  /** A translator for the call's language, or undefined when the call has none. */
  const lookupFor = (host: ArgumentsHost | undefined): Lookup | undefined => {
    const lang = I18nContext.current(host)?.lang;
    if (lang === undefined) return undefined;
    const i18n = (service ??= moduleRef.get(I18nService, { strict: false }));
    if (i18n === undefined) return undefined;
    return (key, args) => {
      try {
        const translated: unknown = i18n.translate(key, { lang, args });
        // nestjs-i18n answers a missing key with the key itself.
        return typeof translated === 'string' && translated !== key && translated !== '' ? translated : undefined;
      } catch {
        // `throwOnMissingKey`, or a template its formatter rejects: a missing translation must
        // not turn the answer into a pipeline failure.
        return undefined;
      }
    };
  };
  return {
    catalogueMessage: (reason, fallback, host) => lookupFor(host)?.(`${I18N_KEY_PREFIX}.${reason}`) ?? fallback,
    fieldErrors: (details, exception, host) => {
      const errors = inputErrorsOf(exception);
      const lookup = errors === undefined ? undefined : lookupFor(host);
      if (errors === undefined || lookup === undefined) return details;
      return translateFieldErrors(details, errors, (error, constraint, message) =>
        validationMessageTranslation(lookup, error, constraint, message, constraintArgs),
      );
    },
  };
}
