// Type-aware lint for every workspace.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.local/**', 'infra/**/*.tf', '**/*.js', '**/*.cjs', '!eslint.config.js'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-expect-error': 'allow-with-description', 'ts-ignore': true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // One typed store (shared/src/firestore/store.ts) names every Firestore path and parses every
    // read; tests and test helpers may write raw documents (a malformed one, a literal path).
    files: ['shared/src/**/*.ts', 'services/*/src/**/*.ts', 'functions/src/**/*.ts', 'infra/ops/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**', 'shared/src/firestore/store.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(collection|collectionGroup)$/]',
          message: 'Name collections in the typed store (shared/src/firestore/store.ts).',
        },
        {
          selector: "CallExpression[callee.property.name='doc'][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
          message: 'Build document paths in the typed store (shared/src/firestore/store.ts).',
        },
        {
          selector: "TSAsExpression > CallExpression[callee.property.name='data']",
          message: 'Read through the typed store, whose converters parse: no casts of data().',
        },
      ],
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
);
