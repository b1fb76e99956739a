import { Logger, OnModuleInit, Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';

/**
 * Nest applies global enhancers in the order their modules were scanned. An `APP_FILTER` scanned
 * before this module is tried after its catch-all (so it never runs), and an `APP_GUARD` scanned
 * before it runs before the route is recorded (so its errors miss `@OnError`). Neither is an
 * error Nest reports, so this says it once at startup, naming the provider and the fix.
 */
export class GlobalEnhancerOrderCheck implements OnModuleInit {
  private readonly logger = new Logger('ErrorHandling');

  constructor(
    private readonly modules: ModulesContainer,
    private readonly ownModule: Type<unknown>,
    /** Guard order matters only when the module records routes with a global guard. */
    private readonly routeGuardGlobal: boolean,
  ) {}

  onModuleInit(): void {
    for (const moduleRef of this.modules.values()) {
      if (moduleRef.metatype === this.ownModule) return;
      for (const [token, wrapper] of moduleRef.providers) {
        if (typeof token !== 'string') continue;
        const name = wrapper.metatype?.name ?? 'a provider';
        if (token.startsWith('APP_FILTER (')) {
          this.logger.warn(
            `${name} (APP_FILTER in ${moduleRef.name}) is scanned before ErrorHandlingModule, so Nest tries it after the catch-all and it never runs. Declare it in a module imported after ErrorHandlingModule, or use app.useGlobalFilters().`,
          );
        } else if (this.routeGuardGlobal && token.startsWith('APP_GUARD (')) {
          this.logger.warn(
            `${name} (APP_GUARD in ${moduleRef.name}) runs before ErrorHandlingModule records the route, so its errors get module handlers but not @OnError. Declare it in a module imported after ErrorHandlingModule to change that.`,
          );
        }
      }
    }
  }
}
