import { BadRequestException, HttpException, type ValidationError } from '@nestjs/common';
import { withoutStackFrames } from '../internal/stack-frames.js';
import { isValidationError, validationMessagesOf } from './validation-details.js';

/**
 * A ValidationPipe failure made by `validationExceptionFactory`. Its response is Nest's usual
 * 400 body (a list of message strings) for code that reads it; the class-validator errors are
 * kept whole in `errors`, from which the envelope builds its field details.
 */
export class ValidationFailedException extends BadRequestException {
  readonly errors: readonly unknown[];

  constructor(errors: readonly unknown[]) {
    super(validationMessagesOf(errors));
    this.errors = errors;
  }
}

/**
 * The exception factory for your own `new ValidationPipe({ exceptionFactory: validationExceptionFactory })`:
 * its failures answer 400 INVALID_INPUT with `{ field, messages, constraints }` details, as the
 * module's `validation` option does. ParseArrayPipe also calls its factory with a message string.
 */
export function validationExceptionFactory(errors: ValidationError[] | string | string[]): ValidationFailedException {
  // Made with no stack frames: they would all point into Nest's ValidationPipe, a 4xx record
  // prints none, and capturing them was the largest cost of a validation failure.
  return withoutStackFrames(() => new ValidationFailedException(Array.isArray(errors) ? errors : [errors]));
}

/**
 * The class-validator errors an exception carries whole: a ValidationFailedException's, or the
 * `errors` list of ValidationErrors beside another HttpException's response (nestjs-i18n's
 * I18nValidationPipe throws an I18nValidationException so, whose response says only "Bad Request").
 */
export function validationErrorsOf(exception: HttpException): readonly unknown[] | undefined {
  if (exception instanceof ValidationFailedException) return exception.errors;
  const { errors } = exception as { errors?: unknown };
  return Array.isArray(errors) && errors.length > 0 && errors.every(isValidationError) ? errors : undefined;
}

/**
 * The list an input error's details were built from: the errors it carries whole, or the list in
 * an HttpException's response (`exceptionFactory: (errors) => new BadRequestException(errors)`).
 */
export function inputErrorsOf(exception: unknown): readonly unknown[] | undefined {
  if (!(exception instanceof HttpException)) return undefined;
  const errors = validationErrorsOf(exception);
  if (errors !== undefined) return errors;
  const message = (exception.getResponse() as { message?: unknown } | null)?.message;
  return Array.isArray(message) ? message : undefined;
}
