import type { ModulesContainer } from '@nestjs/core';

/** `@nestjs/graphql`'s options token, written here because the package is an optional peer. */
const GRAPHQL_MODULE_OPTIONS = 'GqlModuleOptions';

/**
 * `@nestjs/graphql` runs `@ResolveField` methods without any exception filter unless its options
 * list `'filters'` in `fieldResolverEnhancers`: a field resolver's error would reach the client
 * as thrown (its message, and Apollo's stack frames). So `'filters'` is added to the options of
 * every GraphQLModule of the app; guards and interceptors stay as the app set them.
 *
 * Runs when the module configures middleware, after every provider exists and before
 * GraphQLModule's `onModuleInit` builds the schema and reads the option.
 */
export function applyToFieldResolvers(modules: ModulesContainer): void {
  for (const moduleRef of modules.values()) {
    const options: unknown = moduleRef.providers.get(GRAPHQL_MODULE_OPTIONS)?.instance;
    if (options === null || typeof options !== 'object') continue;
    const declared: unknown = Reflect.get(options, 'fieldResolverEnhancers');
    const enhancers: unknown[] = Array.isArray(declared) ? declared : [];
    if (enhancers.includes('filters')) continue;
    if (!Reflect.set(options, 'fieldResolverEnhancers', [...enhancers, 'filters'])) {
      process.emitWarning(
        "nestjs-error-handling could not add 'filters' to GraphQLModule's fieldResolverEnhancers (frozen options): " +
          '@ResolveField errors will reach clients unanswered by the module',
      );
    }
  }
}
