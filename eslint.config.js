// ESLint flat config: @eslint/js and typescript-eslint recommended (syntax-only, no type
// information, so it stays fast), then eslint-config-prettier to leave formatting to Prettier.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Same as .prettierignore, plus the schematic templates (`<%= %>` syntax, not TypeScript).
    ignores: [
      '**/node_modules/',
      '**/dist/',
      'coverage/',
      'bench/out/',
      'sample/dist/',
      'schematics/**/files/**',
      'test/schematics/fixture/',
    ],
  },
  {
    files: ['{src,schematics,test,sample,bench}/**/*.{ts,mts,js,mjs}', '*.{ts,mts,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
    },
    rules: {
      // `_`-prefixed names are deliberately unused: `const { [key]: _dropped, ...rest } = x`,
      // callback parameters kept for their position.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // `Function` is the type Nest itself uses for controller classes and handler methods
      // (Reflector, ExecutionContext.getClass/getHandler) and for any class used as a map key or
      // metadata carrier; it appears throughout src/ and the tests, so the rule is off.
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // Plain JavaScript (bench, schematics/build.mjs, this file) runs on Node.
    files: ['**/*.{js,mjs}'],
    languageOptions: {
      globals: { ...globals.node },
    },
  },
  {
    // The tests run with vitest `globals: true`.
    files: ['test/**'],
    languageOptions: {
      globals: { ...globals.node, ...globals.vitest },
    },
  },
  prettier,
);
