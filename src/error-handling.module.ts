import { DynamicModule, Global, Inject, Module, NestModule, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, HttpAdapterHost, ModulesContainer, Reflector } from '@nestjs/core';
import { RESOLVED_ERROR_HANDLING_OPTIONS, ROUTE_CONTEXT_NEEDED } from './error-handling.constants.js';
import { ErrorHandlingFilter } from './error-handling.filter.js';
import type { ErrorHandlingModuleOptions } from './error-handling.interfaces.js';
import {
  ASYNC_OPTIONS_TYPE,
  ConfigurableErrorHandlingModule,
  ERROR_HANDLING_MODULE_OPTIONS,
} from './error-handling.module-definition.js';
import { resolveErrorHandlingOptions, type ResolvedErrorHandlingOptions } from './error-handling.options.js';
import { ErrorDescriber } from './error-describer.js';
import { ErrorLogger } from './error-logger.js';
import { ErrorReportDispatcher } from './error-report.dispatcher.js';
import { ErrorResponsesDocumenter } from './error-responses.documenter.js';
import { ErrorResolver } from './error-resolver.js';
import { GlobalEnhancerOrderCheck } from './global-enhancer-order.check.js';
import { ProcessErrorsHandler } from './process-errors.handler.js';
import { installRequestIdHeader } from './request-id-header.js';
import { isRouteContextNeeded, RouteContextGuard } from './route-context.guard.js';
import { validationExceptionFactory } from './validation-failed.exception.js';

/**
 * The global ValidationPipe of the `validation` option, or null when it is off: Nest skips an
 * APP_PIPE factory that returns nothing. A user's own `exceptionFactory` in the options wins.
 */
function globalValidationPipe({ validation }: ResolvedErrorHandlingOptions): ValidationPipe | null {
  return validation === false ? null : new ValidationPipe({ exceptionFactory: validationExceptionFactory, ...validation });
}

/** Documents the error responses of every route as the app is created, before any SwaggerModule call. */
function documentErrorResponses(
  options: ResolvedErrorHandlingOptions,
  describer: ErrorDescriber,
  reflector: Reflector,
  modules: ModulesContainer,
): ErrorResponsesDocumenter {
  const documenter = new ErrorResponsesDocumenter(options, describer, reflector);
  documenter.documentRoutes(modules);
  return documenter;
}

/**
 * Import once in the root module: it registers the global filter, guard and interceptor
 * itself, so main.ts needs nothing. Global, so `OperatedExceptionFilter` subclasses in any
 * module get their dependencies.
 */
@Global()
@Module({
  providers: [
    {
      provide: RESOLVED_ERROR_HANDLING_OPTIONS,
      useFactory: resolveErrorHandlingOptions,
      inject: [ERROR_HANDLING_MODULE_OPTIONS],
    },
    ErrorResolver,
    ErrorDescriber,
    ErrorLogger,
    ErrorReportDispatcher,
    ProcessErrorsHandler,
    {
      provide: ROUTE_CONTEXT_NEEDED,
      useFactory: (modules: ModulesContainer, { handlers }: ResolvedErrorHandlingOptions) => isRouteContextNeeded(modules, handlers),
      inject: [ModulesContainer, RESOLVED_ERROR_HANDLING_OPTIONS],
    },
    // A factory that returns null installs no guard: Nest skips it.
    { provide: APP_GUARD, useFactory: (needed: boolean) => (needed ? new RouteContextGuard() : null), inject: [ROUTE_CONTEXT_NEEDED] },
    { provide: APP_FILTER, useClass: ErrorHandlingFilter },
    {
      provide: GlobalEnhancerOrderCheck,
      useFactory: (modules: ModulesContainer, routeContextNeeded: boolean) =>
        new GlobalEnhancerOrderCheck(modules, ErrorHandlingModule, routeContextNeeded),
      inject: [ModulesContainer, ROUTE_CONTEXT_NEEDED],
    },
    { provide: APP_PIPE, useFactory: globalValidationPipe, inject: [RESOLVED_ERROR_HANDLING_OPTIONS] },
    {
      provide: ErrorResponsesDocumenter,
      useFactory: documentErrorResponses,
      inject: [RESOLVED_ERROR_HANDLING_OPTIONS, ErrorDescriber, Reflector, ModulesContainer],
    },
  ],
  exports: [RESOLVED_ERROR_HANDLING_OPTIONS, ErrorResolver, ErrorDescriber, ErrorLogger, ErrorReportDispatcher],
})
export class ErrorHandlingModule extends ConfigurableErrorHandlingModule implements NestModule {
  static forRoot(options: ErrorHandlingModuleOptions = {}): DynamicModule {
    return super.forRoot(options);
  }

  static forRootAsync(options: typeof ASYNC_OPTIONS_TYPE): DynamicModule {
    return super.forRootAsync(options);
  }

  constructor(
    @Inject(RESOLVED_ERROR_HANDLING_OPTIONS) private readonly options: ResolvedErrorHandlingOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    super();
  }

  /** Runs where Nest registers middleware: after the body parsers, before the routes. */
  configure(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter) installRequestIdHeader(adapter, this.options.requestIdHeader);
  }
}
