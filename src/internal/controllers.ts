import type { Type } from '@nestjs/common';
import { MetadataScanner, type ModulesContainer } from '@nestjs/core';

/** A class that handles calls (controller, gateway, resolver) and its prototype methods. */
export interface ControllerMethods {
  controller: Type<unknown>;
  methods: Function[];
}

/**
 * The metadata Nest's optional transport packages put on their handler classes, which are
 * providers rather than controllers; named here because the packages are optional peers.
 */
export const GATEWAY_METADATA = 'websockets:is_gateway';
export const RESOLVER_METADATA = 'graphql:resolver_type';

function withMethods(controller: Type<unknown>, scanner: MetadataScanner): ControllerMethods {
  return {
    controller,
    methods: scanner.getAllMethodNames(controller.prototype).map((name) => controller.prototype[name]),
  };
}

/** Every controller class of the app with its prototype methods, for startup scans. */
export function* controllersOf(modules: ModulesContainer): Generator<ControllerMethods> {
  const scanner = new MetadataScanner();
  for (const moduleRef of modules.values()) {
    for (const { metatype } of moduleRef.controllers.values()) {
      if (typeof metatype === 'function') yield withMethods(metatype as Type<unknown>, scanner);
    }
  }
}

/** Every provider class of the app that carries `metadataKey` (gateways, resolvers), each once. */
export function* providersWith(modules: ModulesContainer, metadataKey: string): Generator<ControllerMethods> {
  const scanner = new MetadataScanner();
  const seen = new Set<Function>();
  for (const moduleRef of modules.values()) {
    for (const { metatype } of moduleRef.providers.values()) {
      if (typeof metatype !== 'function' || seen.has(metatype) || !Reflect.hasMetadata(metadataKey, metatype)) continue;
      seen.add(metatype);
      yield withMethods(metatype as Type<unknown>, scanner);
    }
  }
}

/** Controllers, gateways and resolvers: every class whose methods Nest calls with a context. */
export function* handlerClassesOf(modules: ModulesContainer): Generator<ControllerMethods> {
  yield* controllersOf(modules);
  yield* providersWith(modules, GATEWAY_METADATA);
  yield* providersWith(modules, RESOLVER_METADATA);
}

/** `@MessagePattern`'s, `@EventPattern`'s and `@GrpcMethod`'s metadata key (an optional peer's). */
const MESSAGE_PATTERN_METADATA = 'microservices:pattern';
/** `@SubscribeMessage`'s metadata key (an optional peer's). */
const MESSAGE_MAPPING_METADATA = 'websockets:message_mapping';

/** The controller methods Nest calls for microservice messages. */
export function* messageHandlersOf(modules: ModulesContainer): Generator<Function> {
  for (const { methods } of controllersOf(modules)) {
    yield* methods.filter((method) => Reflect.hasMetadata(MESSAGE_PATTERN_METADATA, method));
  }
}

/** The gateway methods Nest calls for WebSocket messages. */
export function* gatewayHandlersOf(modules: ModulesContainer): Generator<Function> {
  for (const { methods } of providersWith(modules, GATEWAY_METADATA)) {
    yield* methods.filter((method) => Reflect.hasMetadata(MESSAGE_MAPPING_METADATA, method));
  }
}
