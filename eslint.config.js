import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Layering (DESIGN.md "Who imports whom"): graphql → services → {quota, cache, stet} → stet-api.
const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((f) => ({ group: [`**/${f}/**`], message: `${files[0]} may not import ${f}/` })) },
    ],
  },
})

export default tseslint.config(
  { ignores: ['dist/**', 'dist-bench/**', 'node_modules/**', 'data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  layer(['src/sandbox/**'], ['graphql', 'services', 'quota', 'cache', 'stet', 'auth', 'config']),
  layer(['src/stet/**'], ['graphql', 'services', 'quota', 'cache', 'sandbox']),
  layer(['src/quota/**', 'src/cache/**'], ['graphql', 'services', 'stet', 'sandbox']),
  layer(['src/services/**'], ['graphql', 'sandbox']),
  layer(['src/stet-api/**'], ['graphql', 'services', 'quota', 'cache', 'stet', 'sandbox']),
  // A partner's code has only the schema and the generated documents, never the gateway's source.
  layer(['examples/**'], ['src']),
)
