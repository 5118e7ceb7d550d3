import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import importX from 'eslint-plugin-import-x'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'

// Layering, as README "Layout" and DESIGN.md "Who imports whom" draw it:
//   main.ts, server.ts (composition root) → graphql → services → {quota, cache, stet} → stet-api
//   http, auth, stores: the edge and the wiring beside the root; config, errors, clock, byte-bounded-map,
//   observability: leaves
//   redis: the Redis connection, for quota, cache and stores only
//   sandbox: stet-api, pki, clock only (it is the referee: no gateway code on both sides).
// Each rule names the folders a file may NOT import; static imports, re-exports and dynamic `import()` alike.
const ALL = [
  'graphql',
  'services',
  'quota',
  'cache',
  'stet',
  'stet-api',
  'sandbox',
  'pki',
  'auth',
  'http',
  'stores',
  'audit',
  'redis',
  'webhooks',
]
const ALL_FILES = ['config', 'errors', 'clock', 'byte-bounded-map', 'server', 'main']
const layer = (files, forbiddenDirs, forbiddenFiles = []) => {
  const what = files[0]
  const patterns = [
    ...forbiddenDirs.map((f) => ({ group: [`**/${f}/*`, `**/${f}/**`], message: `${what} may not import ${f}/` })),
    ...forbiddenFiles.map((f) => ({ group: [`**/${f}.js`], message: `${what} may not import ${f}.ts` })),
  ]
  // no-restricted-imports does not see `import()`: the same boundaries for dynamic imports.
  const dynamic = [
    ...forbiddenDirs.map((f) => ({ re: `(^|\\/)${f}\\/`, message: `${what} may not import ${f}/ (dynamic import)` })),
    ...forbiddenFiles.map((f) => ({
      re: `(^|\\/)${f}\\.js$`,
      message: `${what} may not import ${f}.ts (dynamic import)`,
    })),
  ]
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': [
        'error',
        ...dynamic.map((d) => ({ selector: `ImportExpression[source.value=/${d.re}/]`, message: d.message })),
      ],
    },
  }
}
const except = (...allowed) => ALL.filter((f) => !allowed.includes(f))

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
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      // Without it the plugin parses imported files with espree, fails on TypeScript and sees no cycle at all.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    // Dynamic imports count: server.ts loads the sandbox and the stores with `import()`.
    rules: { 'import-x/no-cycle': ['error', { allowUnsafeDynamicCyclicDependency: false }] },
  },
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { process: 'readonly', URL: 'readonly' } } },
  // Leaves import nothing above them.
  layer(['src/config/**', 'src/errors.ts', 'src/clock.ts', 'src/byte-bounded-map.ts'], ALL.concat('observability'), [
    'server',
    'main',
  ]),
  layer(['src/observability/**'], ALL, ['server', 'main']),
  // `config` twice: config/config.ts by its file name, and config/ as a folder (auth-config.ts and the rest).
  layer(['src/stet-api/**'], except('stet-api').concat('config'), ['server', 'main', 'config']),
  layer(['src/redis/**'], except('redis'), ['server', 'main']),
  layer(['src/pki/**'], except('pki'), ['server', 'main']),
  // The sandbox: stet-api, pki and clock.ts only.
  layer(
    ['src/sandbox/**'],
    except('sandbox', 'stet-api', 'pki').concat('observability', 'config'),
    ALL_FILES.filter((f) => f !== 'clock'),
  ),
  layer(['src/stet/**'], except('stet', 'stet-api', 'pki'), ['server', 'main']),
  layer(['src/quota/**', 'src/cache/**'], except('quota', 'cache', 'stet-api', 'redis'), ['server', 'main']),
  // The audit trail of unattended calls: it wraps the ledger's reservations, and services/ and stores/ use it.
  layer(['src/audit/**'], except('audit', 'quota', 'stet-api', 'redis'), ['server', 'main']),
  layer(['src/stores/**'], except('stores', 'quota', 'cache', 'stet', 'stet-api', 'redis', 'audit', 'webhooks'), [
    'server',
    'main',
  ]),
  // webhooks/: the outbox, its stores, signing and delivery; knows nothing of the bank (services map the events).
  layer(['src/webhooks/**'], except('webhooks', 'cache', 'redis'), ['server', 'main']),
  // services/ reads and writes the connection and pending-authorisation records through stores/ (issue 13), which
  // itself imports only quota/, cache/ and stet/: still one way.
  layer(
    ['src/services/**'],
    except('services', 'quota', 'cache', 'stet', 'stet-api', 'auth', 'stores', 'audit', 'webhooks'),
    ['server', 'main'],
  ),
  layer(['src/auth/**'], except('auth', 'stet-api'), ['server', 'main']),
  // graphql/ maps the ledger's QuotaStatus for the `quota` fields (through its own graphql/quota/ types): allowed
  // until a quota service carries it (STYLE.md Part D). A relative `../quota/` cannot tell the two folders apart.
  layer(['src/graphql/**'], except('graphql', 'services', 'auth', 'stet-api', 'quota'), ['server', 'main']),
  layer(['src/http/**'], except('http', 'auth'), ['server', 'main']),
  // A partner's code has only the schema and the generated documents, never the gateway's source.
  layer(['examples/**'], ['src']),
)
