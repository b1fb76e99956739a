import { SetMetadata, UseInterceptors } from '@nestjs/common';
import { TIMEOUT_METADATA } from './error-handling.constants.js';
import type { ErrorCodeEntry } from './error-code.interfaces.js';
import { ErrorCode } from './error-codes.js';
import { isErrorCodeEntry } from './error-handler-mapping.js';
import { TimeoutInterceptor } from './timeout.interceptor.js';

export interface TimeoutSetting {
  ms: number;
  entry: ErrorCodeEntry;
}

/**
 * Cuts off a route (or every route of a controller) that has not answered within `ms`, with
 * `code` (504 MODEL_TIMEOUT by default). The method's setting beats the controller's.
 */
export function Timeout(ms: number, code: ErrorCodeEntry = ErrorCode.MODEL_TIMEOUT): ClassDecorator & MethodDecorator {
  if (!Number.isFinite(ms) || ms <= 0) throw new TypeError(`@Timeout: ${String(ms)} is not a positive number of milliseconds`);
  if (!isErrorCodeEntry(code)) throw new TypeError('@Timeout: the code must be a catalogue entry');
  const setting: TimeoutSetting = { ms, entry: code };
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    SetMetadata(TIMEOUT_METADATA, setting)(target, key!, descriptor!);
    UseInterceptors(new TimeoutInterceptor(setting, descriptor === undefined))(target, key!, descriptor!);
  };
}
