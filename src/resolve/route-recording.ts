import type { Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { ApplicationConfig, type ModuleRef, type ModulesContainer } from '@nestjs/core';
import { handlerClassesOf } from '../internal/controllers.js';
import { setModuleEnhancer } from '../internal/enhancers.js';
import { ON_ERROR_METADATA } from './on-error.decorator.js';
import type { ErrorHandlerMapping } from './resolve.interfaces.js';
import { RouteContextGuard } from './route-context.guard.js';

/**
 * Where RouteContextGuard goes: on every route (`'global'`, as an `APP_GUARD`), or only on the
 * listed classes (none: no route needs recording), first among their own guards.
 */
export type RouteGuardPlacement = 'global' | readonly Type<unknown>[];

/** Whether a module other than `ownModule` declares an `APP_GUARD` (Nest keys them `APP_GUARD (<uuid>)`). */
function declaresAppGuard(modules: ModulesContainer, ownModule: Type<unknown>): boolean {
  for (const moduleRef of modules.values()) {
    if (moduleRef.metatype === ownModule) continue;
    for (const token of moduleRef.providers.keys()) {
      if (typeof token === 'string' && token.startsWith('APP_GUARD (')) return true;
    }
  }
  return false;
}

/**
 * Only `@OnError` mappings and module handler functions (whose context names the controller and
 * method) use the recorded route. A handler function may be asked about any route, so every
 * route records it. `@OnError` needs it only on the classes that declare it (on the class or a
 * method), where a class guard is enough: it runs before the app's own class and method guards,
 * so their errors are mapped too. The app's global guards run before every class guard, though:
 * with an `APP_GUARD` in another module the guard stays global, and the app's ApplicationConfig
 * (through ModuleRef's container; without it, global too) tells it when `useGlobalGuards` is
 * called (see recordBeforeGlobalGuards). Every other route keeps Nest's guard-free fast path.
 */
export function routeGuardPlacementOf(
  modules: ModulesContainer,
  handlers: readonly ErrorHandlerMapping[],
  ownModule: Type<unknown>,
  config: ApplicationConfig | undefined,
): RouteGuardPlacement {
  if (handlers.some(([, target]) => typeof target === 'function')) return 'global';
  const classes: Type<unknown>[] = [];
  for (const { controller, methods } of handlerClassesOf(modules)) {
    if (
      Reflect.hasMetadata(ON_ERROR_METADATA, controller) ||
      methods.some((method) => Reflect.hasMetadata(ON_ERROR_METADATA, method))
    ) {
      classes.push(controller);
    }
  }
  if (classes.length === 0) return classes;
  return config === undefined || declaresAppGuard(modules, ownModule) ? 'global' : classes;
}

/** The app's ApplicationConfig, which Nest offers no token for: ModuleRef holds the container that holds it. */
export function applicationConfigOf(moduleRef: ModuleRef): ApplicationConfig | undefined {
  const container: unknown = Reflect.get(moduleRef, 'container');
  const config: unknown =
    container !== null && typeof container === 'object' ? Reflect.get(container, 'applicationConfig') : undefined;
  return config instanceof ApplicationConfig ? config : undefined;
}

/**
 * Guards given to `useGlobalGuards` (main.ts, after the providers exist and before Nest builds
 * any handler) run before class guards: the first call puts the guard first among them instead
 * and takes it off the classes. Nest's own method is back in place after that call.
 */
function recordBeforeGlobalGuards(
  config: ApplicationConfig,
  guard: RouteContextGuard,
  classes: readonly Type<unknown>[],
): void {
  const useGlobalGuards = config.useGlobalGuards;
  config.useGlobalGuards = (...guards) => {
    config.useGlobalGuards = useGlobalGuards;
    for (const target of classes) setModuleEnhancer(target, GUARDS_METADATA, RouteContextGuard, undefined);
    useGlobalGuards.call(config, guard, ...guards);
  };
}

/**
 * Puts the guard on the classes of the placement and takes this module's guard (another app's,
 * in one process) off every other class of the app. Runs as providers are made, before Nest
 * builds any handler.
 */
export function placeRouteContextGuard(
  modules: ModulesContainer,
  placement: RouteGuardPlacement,
  config: ApplicationConfig | undefined,
): void {
  const targets = new Set(placement === 'global' ? [] : placement);
  const guard = new RouteContextGuard();
  for (const { controller } of handlerClassesOf(modules)) {
    setModuleEnhancer(controller, GUARDS_METADATA, RouteContextGuard, targets.has(controller) ? guard : undefined);
  }
  if (targets.size > 0 && config !== undefined) recordBeforeGlobalGuards(config, guard, [...targets]);
}
