export type { ErrorCatalogue, ErrorCodeDefinition, ErrorCodeEntry } from './error-code.interfaces.js';
export { defineErrorCodes } from './define-error-codes.js';
export { ErrorCode } from './error-codes.js';
export { OperatedException, type OperatedExceptionOptions } from './operated.exception.js';
export type {
  ErrorClass,
  ErrorDescription,
  ErrorFormat,
  ErrorFormatter,
  ErrorHandlerContext,
  ErrorHandlerFunction,
  ErrorHandlerMapping,
  ErrorHandlerTarget,
  ErrorHandlingMode,
  ErrorHandlingModuleOptions,
  ErrorLogContext,
  ErrorLoggingOptions,
  ErrorLogLevel,
  ErrorReporter,
  RequestLogInfo,
} from './error-handling.interfaces.js';
export { ErrorHandlingModule } from './error-handling.module.js';
export { OperatedExceptionFilter } from './operated-exception.filter.js';
export { createPinoHttpOptions, type PinoHttpAgreement, type PinoHttpOptionsLike } from './pino-http.options.js';
export { ApiErrorResponses } from './api-error-responses.decorator.js';
export { OnError } from './on-error.decorator.js';
export { Timeout } from './timeout.decorator.js';
export { ValidationFailedException, validationExceptionFactory } from './validation-failed.exception.js';
