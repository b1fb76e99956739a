import { SetMetadata, UseInterceptors } from '@nestjs/common';
import type { ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';
import { isErrorCodeEntry } from '../catalogue/define-error-codes.js';
import { ErrorCode } from '../catalogue/error-codes.js';
import { TIMEOUT_METADATA, TimeoutInterceptor, type TimeoutSetting } from './timeout.interceptor.js';

/**
 * Cuts off a route (or every route of a controller) that has not answered within `ms`, with
 * `code` (504 MODEL_TIMEOUT by default). The method's setting beats the controller's.
 */
export function Timeout(ms: number, code: ErrorCodeEntry = ErrorCode.MODEL_TIMEOUT): ClassDecorator & MethodDecorator {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new TypeError(`@Timeout: ${String(ms)} is not a positive number of milliseconds`);
  if (!isErrorCodeEntry(code)) throw new TypeError('@Timeout: the code must be a catalogue entry');
  const setting: TimeoutSetting = { ms, entry: code };
  return (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    SetMetadata(TIMEOUT_METADATA, setting)(target, key!, descriptor!);
    UseInterceptors(new TimeoutInterceptor(setting, descriptor === undefined))(target, key!, descriptor!);
  };
}
