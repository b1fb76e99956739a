// The package's only public door.
export type {
  EntryPolicy,
  ErrorCatalogue,
  ErrorCodeDefinition,
  ErrorCodeEntry,
  ErrorLogLevel,
} from './catalogue/catalogue.interfaces.js';
export { defineErrorCodes } from './catalogue/define-error-codes.js';
export { ErrorCode } from './catalogue/error-codes.js';
export { OperatedException, type OperatedExceptionOptions } from './catalogue/operated.exception.js';
export { OperatedExceptionFilter } from './catch/operated-exception.filter.js';
export { ErrorHandlingModule } from './error-handling.module.js';
export {
  createPinoHttpOptions,
  type PinoHttpAgreement,
  type PinoHttpOptionsLike,
} from './logging/pino-http.options.js';
export type {
  ErrorLogContext,
  ErrorLoggingOptions,
  ErrorReporter,
  RequestLogInfo,
} from './logging/logging.interfaces.js';
export { ApiErrorResponses } from './openapi/api-error-responses.decorator.js';
export type { ErrorHandlingMode, ErrorHandlingModuleOptions } from './options/error-handling-options.interfaces.js';
export type { ErrorHandlingModuleAsyncOptions } from './options/error-handling.module-definition.js';
export { OnError } from './resolve/on-error.decorator.js';
export { isUpstreamEnvelope, type UpstreamEnvelope } from './upstream/upstream-failure.js';
export type {
  ErrorClass,
  ErrorHandlerContext,
  ErrorHandlerFunction,
  ErrorHandlerMapping,
  ErrorHandlerTarget,
  UpstreamInfo,
} from './resolve/resolve.interfaces.js';
export { escapeHtml } from './respond/html-page.js';
export type {
  ErrorDescription,
  ErrorFormat,
  ErrorFormatter,
  ErrorPageInfo,
  ErrorPageRenderer,
} from './respond/respond.interfaces.js';
export { Timeout } from './timeout/timeout.decorator.js';
export type { FieldError } from './validation/validation-details.js';
export { ValidationFailedException, validationExceptionFactory } from './validation/validation-failed.exception.js';
