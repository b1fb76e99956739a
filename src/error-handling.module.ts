import {
  DynamicModule,
  Global,
  Inject,
  Module,
  NestModule,
  OnApplicationBootstrap,
  ValidationPipe,
} from '@nestjs/common';
import { INTERCEPTORS_METADATA } from '@nestjs/common/constants.js';
import { APP_FILTER, APP_GUARD, APP_PIPE, HttpAdapterHost, ModuleRef, ModulesContainer, Reflector } from '@nestjs/core';
import { ErrorHandlingFilter } from './catch/error-handling.filter.js';
import { applyToGateways } from './catch/gateway-filters.js';
import { applyToFieldResolvers } from './catch/graphql-resolvers.js';
import { GlobalEnhancerOrderCheck } from './catch/global-enhancer-order.check.js';
import { HybridAppCheck } from './catch/hybrid-app.check.js';
import { loadMessageTranslator, MESSAGE_TRANSLATOR } from './i18n/message-translator.js';
import { ErrorLogger } from './logging/error-logger.js';
import { ErrorRecorder } from './logging/error-recorder.js';
import { ProcessErrorsHandler } from './logging/process-errors.handler.js';
import { ReportDispatcher } from './logging/report.dispatcher.js';
import { ErrorResponsesDocumenter } from './openapi/error-responses.documenter.js';
import type { ErrorHandlingModuleOptions } from './options/error-handling-options.interfaces.js';
import {
  ConfigurableErrorHandlingModule,
  ERROR_HANDLING_MODULE_OPTIONS,
  type ErrorHandlingModuleAsyncOptions,
} from './options/error-handling.module-definition.js';
import {
  RESOLVED_ERROR_HANDLING_OPTIONS,
  resolveErrorHandlingOptions,
  type ResolvedErrorHandlingOptions,
} from './options/resolve-options.js';
import { answerClientErrors } from './http-limits/client-errors.js';
import { answerRouterErrors } from './http-limits/router-errors.js';
import { gatewayHandlersOf, messageHandlersOf } from './internal/controllers.js';
import { setModuleEnhancer } from './internal/enhancers.js';
import { installRequestIdHook } from './request-id/request-id.hook.js';
import { clientProxiesOf, declaresClientProxy, RequestContext } from './services/request-context.js';
import { RequestContextInterceptor } from './services/request-context.interceptor.js';
import { sendMetadataAsNatsHeaders } from './services/nats-headers.js';
import { RpcServerSpanInterceptor } from './telemetry/rpc-server-span.interceptor.js';
import { TELEMETRY } from './telemetry/telemetry.constants.js';
import { Telemetry } from './telemetry/telemetry.js';
import { ErrorResolver } from './resolve/error-resolver.js';
import { RouteContextGuard } from './resolve/route-context.guard.js';
import {
  applicationConfigOf,
  placeRouteContextGuard,
  routeGuardPlacementOf,
  type RouteGuardPlacement,
} from './resolve/route-recording.js';
import { answerSseErrors } from './streams/sse-errors.js';
import { answerStreamErrors } from './streams/stream-errors.js';
import { ErrorBodyRenderer } from './respond/error-body.formats.js';
import { GraphqlResponder, keepNumericGraphqlCodes } from './respond/graphql.responder.js';
import { GrpcResponder } from './respond/grpc.responder.js';
import { HttpResponder } from './respond/http.responder.js';
import { Responders } from './respond/responders.js';
import { RpcResponder } from './respond/rpc.responder.js';
import { WsResponder } from './respond/ws.responder.js';
import { validationExceptionFactory } from './validation/validation-failed.exception.js';

/** Which routes record their controller and method (see routeGuardPlacementOf). */
const ROUTE_GUARD_PLACEMENT = Symbol('ROUTE_GUARD_PLACEMENT');
/** The module's filter as gateways get it (they never see global filters). */
const GATEWAY_FILTER = Symbol('GATEWAY_FILTER');
/** Done once the module's filter is on every gateway. */
const GATEWAYS_FILTERED = Symbol('GATEWAYS_FILTERED');
/** Done once the module's interceptors are on the message and gateway handlers that need them. */
const HANDLER_INTERCEPTORS = Symbol('HANDLER_INTERCEPTORS');
/** The module's filter as failures Nest's routing does not hand to filters get it (streams, client errors). */
const PLATFORM_ERRORS_FILTER = Symbol('PLATFORM_ERRORS_FILTER');
const OPTIONS = RESOLVED_ERROR_HANDLING_OPTIONS;

/** The context ClientProxy calls take the request id from (and, with `opentelemetry`, the trace context). */
function newRequestContext(
  { requestIdHeader }: ResolvedErrorHandlingOptions,
  telemetry: Telemetry | undefined,
): RequestContext {
  return new RequestContext(
    requestIdHeader.toLowerCase(),
    telemetry && ((packet) => telemetry.injectTraceContext(packet)),
  );
}

/**
 * Import once in the root module: it registers the global filter, and the guard and pipe where
 * they are needed, itself, so main.ts needs nothing. Global, so `OperatedExceptionFilter`
 * subclasses in any module get their dependencies. Each step of the pipeline gets its part of
 * the options, resolved once here.
 */
@Global()
@Module({
  providers: [
    { provide: OPTIONS, useFactory: resolveErrorHandlingOptions, inject: [ERROR_HANDLING_MODULE_OPTIONS] },
    {
      provide: ErrorResolver,
      useFactory: (options: ResolvedErrorHandlingOptions, reflector: Reflector) =>
        new ErrorResolver(options, reflector),
      inject: [OPTIONS, Reflector],
    },
    {
      provide: ErrorBodyRenderer,
      useFactory: (options: ResolvedErrorHandlingOptions, logger: ErrorLogger) =>
        new ErrorBodyRenderer(options, logger),
      inject: [OPTIONS, ErrorLogger],
    },
    {
      provide: Responders,
      useFactory: (
        adapterHost: HttpAdapterHost,
        renderer: ErrorBodyRenderer,
        { requestIdHeader }: ResolvedErrorHandlingOptions,
      ) =>
        new Responders(
          new HttpResponder(adapterHost, renderer, requestIdHeader),
          new RpcResponder(requestIdHeader),
          new GrpcResponder(requestIdHeader),
          new WsResponder(),
          new GraphqlResponder(requestIdHeader),
        ),
      inject: [HttpAdapterHost, ErrorBodyRenderer, OPTIONS],
    },
    {
      provide: MESSAGE_TRANSLATOR,
      useFactory: ({ i18n }: ResolvedErrorHandlingOptions, moduleRef: ModuleRef) =>
        i18n ? loadMessageTranslator(moduleRef) : undefined,
      inject: [OPTIONS, ModuleRef],
    },
    { provide: ErrorLogger, useFactory: (moduleRef: ModuleRef) => new ErrorLogger(moduleRef), inject: [ModuleRef] },
    {
      provide: ReportDispatcher,
      useFactory: ({ reporting }: ResolvedErrorHandlingOptions, logger: ErrorLogger) =>
        new ReportDispatcher(reporting, logger),
      inject: [OPTIONS, ErrorLogger],
    },
    {
      provide: TELEMETRY,
      useFactory: ({ opentelemetry }: ResolvedErrorHandlingOptions) => (opentelemetry ? Telemetry.load() : undefined),
      inject: [OPTIONS],
    },
    {
      provide: ErrorRecorder,
      useFactory: (
        options: ResolvedErrorHandlingOptions,
        logger: ErrorLogger,
        dispatcher: ReportDispatcher,
        telemetry: Telemetry | undefined,
      ) => new ErrorRecorder(options.logging, options.reporting, logger, dispatcher, telemetry),
      inject: [OPTIONS, ErrorLogger, ReportDispatcher, TELEMETRY],
    },
    {
      provide: ProcessErrorsHandler,
      useFactory: (
        { processErrors }: ResolvedErrorHandlingOptions,
        logger: ErrorLogger,
        modules: ModulesContainer,
        adapterHost: HttpAdapterHost,
      ) => new ProcessErrorsHandler(processErrors, logger, modules, adapterHost),
      inject: [OPTIONS, ErrorLogger, ModulesContainer, HttpAdapterHost],
    },
    {
      // Placed as providers are made, before Nest builds any handler.
      provide: ROUTE_GUARD_PLACEMENT,
      useFactory: (modules: ModulesContainer, { handlers }: ResolvedErrorHandlingOptions, moduleRef: ModuleRef) => {
        const config = applicationConfigOf(moduleRef);
        const placement = routeGuardPlacementOf(modules, handlers, ErrorHandlingModule, config);
        placeRouteContextGuard(modules, placement, config);
        return placement;
      },
      inject: [ModulesContainer, OPTIONS, ModuleRef],
    },
    // A factory that returns null installs no guard (or pipe): Nest skips it.
    {
      provide: APP_GUARD,
      useFactory: (placement: RouteGuardPlacement) => (placement === 'global' ? new RouteContextGuard() : null),
      inject: [ROUTE_GUARD_PLACEMENT],
    },
    {
      // Only where the app declares a ClientProxy (null otherwise): decided now, from the
      // declarations, since a microservice started by `listen()` builds its handlers before any
      // lifecycle hook runs, and the request-id hook is installed before bootstrap.
      provide: RequestContext,
      useFactory: (
        modules: ModulesContainer,
        options: ResolvedErrorHandlingOptions,
        telemetry: Telemetry | undefined,
      ) => (declaresClientProxy(modules) ? newRequestContext(options, telemetry) : null),
      inject: [ModulesContainer, OPTIONS, TELEMETRY],
    },
    {
      // On message and gateway handlers, never global: a global interceptor puts every HTTP
      // route on Nest's Observable pipeline. Set as providers are made, before any handler is
      // built. The request context where the app declares a ClientProxy; with `opentelemetry`,
      // a server span for every microservice call, client or not.
      provide: HANDLER_INTERCEPTORS,
      useFactory: (
        modules: ModulesContainer,
        responders: Responders,
        context: RequestContext | null,
        telemetry: Telemetry | undefined,
      ) => {
        const requestContext = context === null ? undefined : new RequestContextInterceptor(responders, context);
        const span = telemetry && new RpcServerSpanInterceptor(telemetry, responders);
        for (const method of gatewayHandlersOf(modules)) {
          setModuleEnhancer(method, INTERCEPTORS_METADATA, RequestContextInterceptor, requestContext);
        }
        for (const method of messageHandlersOf(modules)) {
          setModuleEnhancer(method, INTERCEPTORS_METADATA, RequestContextInterceptor, requestContext);
          setModuleEnhancer(method, INTERCEPTORS_METADATA, RpcServerSpanInterceptor, span);
        }
        return true;
      },
      inject: [ModulesContainer, Responders, RequestContext, TELEMETRY],
    },
    { provide: APP_FILTER, useClass: ErrorHandlingFilter },
    { provide: GATEWAY_FILTER, useClass: ErrorHandlingFilter },
    { provide: PLATFORM_ERRORS_FILTER, useClass: ErrorHandlingFilter },
    {
      provide: GATEWAYS_FILTERED,
      useFactory: (modules: ModulesContainer, filter: ErrorHandlingFilter) => applyToGateways(modules, filter),
      inject: [ModulesContainer, GATEWAY_FILTER],
    },
    {
      provide: GlobalEnhancerOrderCheck,
      useFactory: (modules: ModulesContainer, placement: RouteGuardPlacement) =>
        new GlobalEnhancerOrderCheck(modules, ErrorHandlingModule, placement === 'global'),
      inject: [ModulesContainer, ROUTE_GUARD_PLACEMENT],
    },
    HybridAppCheck,
    {
      // A user's own `exceptionFactory` in the options wins.
      provide: APP_PIPE,
      useFactory: ({ validation, i18n }: ResolvedErrorHandlingOptions) =>
        validation === false
          ? null
          : new ValidationPipe({
              exceptionFactory: validationExceptionFactory,
              ...validation,
              // Translations format a decorator's arguments (`{constraints.0}`), which are read
              // from the class of the error's target: Nest drops targets by default.
              ...(i18n && { validationError: { target: true, ...validation.validationError } }),
            }),
      inject: [OPTIONS],
    },
    {
      // Documents every route as the app is created, before any SwaggerModule call.
      provide: ErrorResponsesDocumenter,
      useFactory: (options: ResolvedErrorHandlingOptions, renderer: ErrorBodyRenderer, modules: ModulesContainer) =>
        new ErrorResponsesDocumenter(options, renderer).documentRoutes(modules),
      inject: [OPTIONS, ErrorBodyRenderer, ModulesContainer],
    },
  ],
  exports: [OPTIONS, ErrorResolver, Responders, ErrorRecorder, ErrorLogger, MESSAGE_TRANSLATOR],
})
export class ErrorHandlingModule extends ConfigurableErrorHandlingModule implements NestModule, OnApplicationBootstrap {
  static forRoot(options: ErrorHandlingModuleOptions = {}): DynamicModule {
    return super.forRoot(options);
  }

  static forRootAsync(options: ErrorHandlingModuleAsyncOptions): DynamicModule {
    return super.forRootAsync(options);
  }

  constructor(
    @Inject(OPTIONS) private readonly options: ResolvedErrorHandlingOptions,
    private readonly adapterHost: HttpAdapterHost,
    private readonly modules: ModulesContainer,
    @Inject(PLATFORM_ERRORS_FILTER) private readonly platformErrorsFilter: ErrorHandlingFilter,
    @Inject(RequestContext) private readonly requestContext: RequestContext | null,
    @Inject(TELEMETRY) private readonly telemetry: Telemetry | undefined,
  ) {
    super();
  }

  /**
   * Every provider exists now: each ClientProxy among them sends the current request id (and
   * with `opentelemetry`, the trace context).
   */
  onApplicationBootstrap(): void {
    const clients = clientProxiesOf(this.modules);
    if (clients.size === 0) return;
    // A client of an app that declares none (a factory's) still sends the trace context; no
    // request enters a context there, so its calls carry no request id.
    const context = this.requestContext ?? newRequestContext(this.options, this.telemetry);
    for (const client of clients) {
      context.propagateThrough(client);
      sendMetadataAsNatsHeaders(client);
    }
  }

  /**
   * Runs where Nest registers middleware: after the body parsers, before the routes, and before
   * any module's `onModuleInit` (where GraphQLModule builds its schema and mounts its server).
   */
  configure(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (adapter) {
      installRequestIdHook(adapter, this.options.requestIdHeader, this.requestContext ?? undefined);
      keepNumericGraphqlCodes(adapter);
      answerStreamErrors(adapter, this.platformErrorsFilter);
      answerClientErrors(adapter, this.platformErrorsFilter);
      answerRouterErrors(adapter, this.platformErrorsFilter);
    }
    answerSseErrors(this.modules, this.platformErrorsFilter);
    applyToFieldResolvers(this.modules);
  }
}
