/** Metadata key of the `@OnError` mappings on a controller class or route method. */
export const ON_ERROR_METADATA = 'nestjs-error-handling:on-error';
/** Metadata key of `@Timeout` on a controller class or route method. */
export const TIMEOUT_METADATA = 'nestjs-error-handling:timeout';
/** Injection token of the validated, defaulted options. */
export const RESOLVED_ERROR_HANDLING_OPTIONS = Symbol('RESOLVED_ERROR_HANDLING_OPTIONS');
/** The request id header read and written unless `requestIdHeader` says otherwise. */
export const DEFAULT_REQUEST_ID_HEADER = 'X-Request-Id';
/** Metadata key of the entries `@ApiErrorResponses` lists on a controller class or route method. */
export const API_ERROR_RESPONSES_METADATA = 'nestjs-error-handling:api-error-responses';
/**
 * @nestjs/swagger's `DECORATORS.API_RESPONSE`, the metadata its `@ApiResponse` writes. Named here
 * rather than imported, because @nestjs/swagger is an optional peer (a test checks it matches).
 */
export const SWAGGER_API_RESPONSE_METADATA = 'swagger/apiResponse';
/** Injection token: whether any route needs its controller and method recorded (see RouteContextGuard). */
export const ROUTE_CONTEXT_NEEDED = Symbol('ROUTE_CONTEXT_NEEDED');
