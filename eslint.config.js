// Lint: TypeScript hygiene plus the determinism bans of DESIGN.md.
// Wall clock, entropy and timers are allowed only in the folders listed in
// NONDETERMINISTIC_FOLDERS; everything else must take time and randomness
// from the batch. Every exception is visible here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NONDETERMINISTIC_FOLDERS = [
  'src/env/**', 'src/http/**', 'src/cli/**', 'src/dashboard/**', 'src/pocketic/**',
  // The real HTTPS-outcall adapter: the network boundary (its timeouts and
  // event-loop yield); its answers enter the state only through batches.
  'src/http-outcalls/node-adapter.ts',
];

const determinismBans = {
  'no-restricted-properties': ['error',
    { object: 'Date', property: 'now', message: 'Determinism: time comes from the batch (src/env owns the wall clock).' },
    { object: 'Math', property: 'random', message: 'Determinism: randomness comes from the batch (src/env owns entropy).' },
    { object: 'performance', property: 'now', message: 'Determinism: no wall clock in replicated code.' },
    { object: 'crypto', property: 'getRandomValues', message: 'Determinism: randomness comes from the batch.' },
    { object: 'crypto', property: 'randomBytes', message: 'Determinism: randomness comes from the batch.' },
    { object: 'process', property: 'hrtime', message: 'Determinism: no wall clock in replicated code.' },
  ],
  'no-restricted-syntax': ['error',
    { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Determinism: time comes from the batch.' },
    { selector: "CallExpression[callee.name=/^(setTimeout|setInterval|setImmediate)$/]", message: 'Determinism: no timers in replicated code.' },
    { selector: "CallExpression[callee.name='randomBytes']", message: 'Determinism: randomness comes from the batch.' },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.cache/**', '.ic-exec/**', 'bench/results/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The dashboard's browser modules (served as they are, no build step).
    files: ['src/dashboard/assets/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(['window', 'document', 'location', 'fetch', 'EventSource', 'getComputedStyle',
        'requestAnimationFrame', 'ResizeObserver', 'Node', 'setTimeout', 'setInterval', 'clearInterval', 'console']
        .map((name) => [name, 'readonly'])),
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', ...NONDETERMINISTIC_FOLDERS],
    rules: determinismBans,
  },
);
