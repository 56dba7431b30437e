// `npm run determinism`: the determinism test over 1,000 rounds (the default
// `npm test` runs 200). Pass a number to change it: `npm run determinism -- 5000`.
import { spawnSync } from 'node:child_process';

const rounds = process.argv[2] ?? process.env.IC_EXEC_DETERMINISM_ROUNDS ?? '1000';
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', 'test/replica/determinism.test.ts'], {
  stdio: 'inherit', env: { ...process.env, IC_EXEC_DETERMINISM_ROUNDS: rounds },
});
process.exit(r.status ?? 1);
