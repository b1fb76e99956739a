/** What schema.json lets through to the init factory. */
export interface InitOptions {
  /** The root module, relative to the app; `<sourceRoot>/app.module.ts` when absent. */
  module?: string;
  sourceRoot?: string;
  /** Install the module's global ValidationPipe: `forRoot({ validation: true })`. */
  validation: boolean;
  /**
   * Translate client messages with nestjs-i18n: `forRoot({ i18n: true })`, `I18nModule.forRoot()`
   * and `<sourceRoot>/i18n/en/{errors,validation}.json`.
   */
  i18n: boolean;
  /** Also import nestjs-pino's `LoggerModule.forRoot()`. */
  pino: boolean;
}
