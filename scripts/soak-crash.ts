// `npm run soak:crash`: the crash test (test/state-manager/crash.test.ts)
// with 200 SIGKILLs instead of `npm test`'s 22. Pass a number of kills and
// optionally a seed: `npm run soak:crash -- 1000 7`.
import { spawnSync } from 'node:child_process';

const kills = process.argv[2] ?? process.env.IC_EXEC_CRASH_KILLS ?? '200';
const seed = process.argv[3] ?? process.env.IC_EXEC_CRASH_SEED;
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', 'test/state-manager/crash.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, IC_EXEC_CRASH_KILLS: kills, CRASH_LOG: '1', ...(seed === undefined ? {} : { IC_EXEC_CRASH_SEED: seed }) },
});
process.exit(r.status ?? 1);
