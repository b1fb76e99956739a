import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { ErrorHandlingModuleOptions } from './error-handling.interfaces.js';

export const {
  ConfigurableModuleClass: ConfigurableErrorHandlingModule,
  MODULE_OPTIONS_TOKEN: ERROR_HANDLING_MODULE_OPTIONS,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<ErrorHandlingModuleOptions>({ moduleName: 'ErrorHandling' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createErrorHandlingOptions')
  .build();
