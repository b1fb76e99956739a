import type { Type } from '@nestjs/common';
import { MetadataScanner, type ModulesContainer } from '@nestjs/core';

/** A controller class of the app and its prototype methods. */
export interface ControllerMethods {
  controller: Type<unknown>;
  methods: Function[];
}

/** Every controller class of the app with its prototype methods, for startup scans. */
export function* controllersOf(modules: ModulesContainer): Generator<ControllerMethods> {
  const scanner = new MetadataScanner();
  for (const moduleRef of modules.values()) {
    for (const { metatype } of moduleRef.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const controller = metatype as Type<unknown>;
      yield {
        controller,
        methods: scanner.getAllMethodNames(controller.prototype).map((name) => controller.prototype[name]),
      };
    }
  }
}
