import { RequestMethod, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import type { ModulesContainer } from '@nestjs/core';
import type { ErrorCodeEntry } from '../catalogue/catalogue.interfaces.js';
import type { StatusEntries } from '../catalogue/status-entries.js';
import { Failure } from '../describe/failure.js';
import { controllersOf } from '../internal/controllers.js';
import { ON_ERROR_METADATA } from '../resolve/on-error.decorator.js';
import type { ErrorHandlerMapping } from '../resolve/resolve.interfaces.js';
import type { ErrorBodyRenderer } from '../respond/error-body.formats.js';
import type { ErrorFormat } from '../respond/respond.interfaces.js';
import { TIMEOUT_METADATA, type TimeoutSetting } from '../timeout/timeout.interceptor.js';
import { API_ERROR_RESPONSES_METADATA } from './api-error-responses.decorator.js';
import { CUSTOM_BODY_SCHEMA, ENVELOPE_SCHEMA, PROBLEM_SCHEMA } from './error-response.schemas.js';

/**
 * @nestjs/swagger's `DECORATORS.API_RESPONSE`, the metadata its `@ApiResponse` writes. Named here
 * rather than imported, because @nestjs/swagger is an optional peer (a test checks it matches).
 */
export const SWAGGER_API_RESPONSE_METADATA = 'swagger/apiResponse';

/** What documenting needs of the module options. */
export interface DocumentOptions {
  openapi: boolean;
  format: ErrorFormat;
  entries: StatusEntries;
}

/** The request id shown in examples. */
const EXAMPLE_REQUEST_ID = '0b6d7c5e-3f1a-4c2b-9e8d-7a6f5e4d3c2b';

/** Where the documenter keeps a route's own swagger responses, so a later app starts from them again. */
const DECLARED_RESPONSES_METADATA = 'nestjs-error-handling:declared-api-responses';

/** @nestjs/swagger's response metadata: status (or `default`) → response options. */
type SwaggerResponses = Record<string, object>;

/**
 * Writes the error responses of every route into @nestjs/swagger's metadata: the entries of
 * `@ApiErrorResponses`, with `openapi: true` those of `@OnError` and `@Timeout`, and the 500 entry.
 * It runs when Nest creates the module's providers, because `SwaggerModule.createDocument` is
 * usually called before `app.init()`, that is before any lifecycle hook. Metadata lives on the
 * classes, so the last app created in a process decides what a shared controller documents.
 */
export class ErrorResponsesDocumenter {
  constructor(
    private readonly options: DocumentOptions,
    private readonly renderer: ErrorBodyRenderer,
  ) {}

  documentRoutes(modules: ModulesContainer): this {
    for (const { controller, methods } of controllersOf(modules)) {
      for (const method of methods) {
        if (Reflect.getMetadata(PATH_METADATA, method) !== undefined) this.documentRoute(controller, method);
      }
    }
    return this;
  }

  private documentRoute(controller: Type<unknown>, method: Function): void {
    const entries = this.entriesOf(controller, method);
    const documentedBefore = Reflect.hasOwnMetadata(DECLARED_RESPONSES_METADATA, method);
    if (entries.length === 0 && !documentedBefore) return;
    const declared: SwaggerResponses | undefined = documentedBefore
      ? Reflect.getOwnMetadata(DECLARED_RESPONSES_METADATA, method)
      : Reflect.getOwnMetadata(SWAGGER_API_RESPONSE_METADATA, method);
    if (!documentedBefore) Reflect.defineMetadata(DECLARED_RESPONSES_METADATA, declared, method);
    if (entries.length === 0) {
      Reflect.defineMetadata(SWAGGER_API_RESPONSE_METADATA, declared, method);
      return;
    }
    // Swagger adds its default success response only to routes without response metadata: keep it.
    const responses: SwaggerResponses = declared ?? { [successStatusOf(method)]: { description: '' } };
    const documented = { ...responses };
    for (const [status, group] of groupByStatus(entries)) {
      // A status the route documents itself with @ApiResponse stays its own.
      if (!(status in responses)) documented[status] = this.responseOf(group);
    }
    Reflect.defineMetadata(SWAGGER_API_RESPONSE_METADATA, documented, method);
  }

  /** What the route can answer with, by declaration or (with `openapi`) by its mappings; plus the 500. */
  private entriesOf(controller: Type<unknown>, method: Function): ErrorCodeEntry[] {
    const carriers = [method, controller];
    const listed = carriers.flatMap(
      (carrier): ErrorCodeEntry[] => Reflect.getOwnMetadata(API_ERROR_RESPONSES_METADATA, carrier) ?? [],
    );
    if (!this.options.openapi && listed.length === 0) return [];
    const mapped: ErrorCodeEntry[] = [];
    if (this.options.openapi) {
      for (const carrier of carriers) {
        const mappings: ErrorHandlerMapping[] = Reflect.getOwnMetadata(ON_ERROR_METADATA, carrier) ?? [];
        // A function target decides at run time: list its entries with @ApiErrorResponses.
        for (const [, target] of mappings) if (typeof target !== 'function') mapped.push(target);
      }
      const timeout: TimeoutSetting | undefined =
        Reflect.getMetadata(TIMEOUT_METADATA, method) ?? Reflect.getMetadata(TIMEOUT_METADATA, controller);
      if (timeout) mapped.push(timeout.entry);
    }
    return [...listed, ...mapped, this.options.entries.entryFor(500)];
  }

  /** One response object for the entries of a status: a line each, the body schema, an example each. */
  private responseOf(entries: readonly ErrorCodeEntry[]): object {
    const rendered = entries.map((entry) => ({ entry, example: this.exampleOf(entry) }));
    const mediaType = rendered[0].example.contentType.split(';')[0];
    return {
      description: entries.map(({ reason, code, message }) => `\`${reason}\` (${code}): ${message}`).join('\n\n'),
      content: {
        [mediaType]: {
          schema:
            // Negotiation answers API clients (no Accept, JSON) with the envelope.
            this.options.format === 'envelope' || this.options.format === 'negotiate'
              ? ENVELOPE_SCHEMA
              : this.options.format === 'problem'
                ? PROBLEM_SCHEMA
                : CUSTOM_BODY_SCHEMA,
          examples: Object.fromEntries(
            rendered
              .filter(({ example }) => example.value !== undefined)
              .map(({ entry, example }) => [
                entry.reason,
                { summary: `${entry.code} ${entry.reason}`, value: example.value },
              ]),
          ),
        },
      },
    };
  }

  /**
   * The body a client gets for the entry with its catalogue message, rendered by the module's own
   * format. A custom formatter that cannot render it without a request leaves the entry unexemplified.
   */
  private exampleOf(entry: ErrorCodeEntry): { contentType: string; value?: unknown } {
    const caught = {
      exception: undefined,
      transport: 'http' as const,
      requestId: EXAMPLE_REQUEST_ID,
      request: undefined,
    };
    try {
      const { contentType, body } = this.renderer.render(new Failure(caught, { entry, message: entry.message }, false));
      return { contentType, value: JSON.parse(body) };
    } catch {
      return { contentType: 'application/json' };
    }
  }
}

/** The entries per status, each entry once, in declaration order. */
function groupByStatus(entries: readonly ErrorCodeEntry[]): Map<number, ErrorCodeEntry[]> {
  const byStatus = new Map<number, Map<string, ErrorCodeEntry>>();
  for (const entry of entries) {
    let group = byStatus.get(entry.status);
    if (group === undefined) byStatus.set(entry.status, (group = new Map()));
    if (!group.has(entry.reason)) group.set(entry.reason, entry);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b).map(([status, group]) => [status, [...group.values()]]));
}

/** The status swagger documents a route's success with when nothing else says: `@HttpCode`, 201 for POST, else 200. */
function successStatusOf(method: Function): number {
  return (
    Reflect.getMetadata(HTTP_CODE_METADATA, method) ??
    (Reflect.getMetadata(METHOD_METADATA, method) === RequestMethod.POST ? 201 : 200)
  );
}
