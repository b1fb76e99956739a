import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ErrorHandlingModuleOptions } from './error-handling-options.interfaces.js';

export const {
  ConfigurableModuleClass: ConfigurableErrorHandlingModule,
  MODULE_OPTIONS_TOKEN: ERROR_HANDLING_MODULE_OPTIONS,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ErrorHandlingModuleOptions>({ moduleName: 'ErrorHandling' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createErrorHandlingOptions')
  .build();

/** What `ErrorHandlingModule.forRootAsync()` accepts: `useFactory`/`inject`, `useClass` or `useExisting`. */
export type ErrorHandlingModuleAsyncOptions = typeof ASYNC_OPTIONS_TYPE;
