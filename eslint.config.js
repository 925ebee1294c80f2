// ESLint flat config: the recommended JavaScript and typescript-eslint rules (as create-vite, Hono and sv use),
// plus a few conventions of this repository. Formatting is Prettier's job (`npm run lint` runs both).
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', '.tmp/', 'templates/', 'test/fixtures/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    plugins: { '@stylistic': stylistic },
    rules: {
      // A chain of conditions reads better as if/else or a lookup than as nested `a ? b : c ? d : e`.
      'no-nested-ternary': 'error',
      // Prettier wraps code at 120 columns but never breaks a string: long strings must be split by hand.
      '@stylistic/max-len': [
        'error',
        { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true, ignorePattern: "^import .* from '[^']+';$" },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // The executable is CommonJS, like the bundle it loads (scripts/build.mjs says why).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
