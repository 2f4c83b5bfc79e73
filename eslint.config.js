// ESLint flat config: typescript-eslint's type-checked recommended rules over src/, test/ and scripts/.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'fixtures/', 'examples/', 'node_modules/', '.bench/', 'bin/', 'action/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore marks a deliberate discard (a skipped tuple element or parameter), as tsc's noUnused* checks already allow.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Matching control characters is these regular expressions' purpose (terminal escapes, C0 characters in text and headers).
      'no-control-regex': 'off',
      // openpgp.js's `enums` are plain objects of numbers, compared here with the numbers read from packet bytes.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
    },
  },
  {
    // Tests assert on JSON.parse'd CLI output and on openpgp.js internals through expect(); typing every parse would restate the manifest schema, which its own tests check.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Test doubles implement async interfaces (key sources, judges, servers) without needing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The .mjs scripts and this file are plain JavaScript outside the tsconfig: with no types, the type-aware rules would only report `any`.
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // The CommonJS loader the CLI starts with (scripts/code-cache.cjs): require() is its module system.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
