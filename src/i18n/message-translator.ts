import type { ArgumentsHost } from '@nestjs/common';
import type { ModuleRef } from '@nestjs/core';

/**
 * Gives the client's message for a catalogue reason in the call's language, or `fallback`
 * (the catalogue's message) when there is no language or no such key.
 */
export type MessageTranslator = (reason: string, fallback: string, host: ArgumentsHost | undefined) => string;

/** The provider token of the translator: `undefined` unless `i18n` is on. */
export const MESSAGE_TRANSLATOR = Symbol('MESSAGE_TRANSLATOR');

/** Where the keys live in the app's translation files: `<prefix>.<REASON>`. */
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
  // Taken at the first failure: while modules are being instantiated, Nest hands out a
  // placeholder that the real I18nService later replaces.
  let service: import('nestjs-i18n').I18nService | undefined;
  return (reason, fallback, host) => {
    const lang = I18nContext.current(host)?.lang;
    if (lang === undefined) return fallback;
    const i18n = (service ??= moduleRef.get(I18nService, { strict: false }));
    if (i18n === undefined) return fallback;
    const key = `${I18N_KEY_PREFIX}.${reason}`;
    try {
      const translated: unknown = i18n.translate(key, { lang });
      // nestjs-i18n answers a missing key with the key itself.
      return typeof translated === 'string' && translated !== key && translated !== '' ? translated : fallback;
    } catch {
      // `throwOnMissingKey`: a missing key must not turn the answer into a pipeline failure.
      return fallback;
    }
  };
}
