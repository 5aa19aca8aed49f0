#!/usr/bin/env node
// The whole suite, as `npm test` and CI run it: lint, typecheck, every test on SQLite, then every
// database-backed test again on PostgreSQL. Ends with one "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const steps = [];
let passed = 0;
let failed = 0;
let skipped = 0;

function run(name, cmd, args, env = {}) {
  const t0 = Date.now();
  process.stdout.write(`\n▶ ${name}\n`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  steps.push({ name, ok, seconds: Math.round((Date.now() - t0) / 1000) });
  return ok;
}

function vitest(name, env, filters) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'parley-vitest-')), 'report.json');
  const ok = run(
    name,
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...filters],
    env,
  );
  try {
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
  } catch {
    failed += 1; // the runner itself crashed: count it, never report green
  }
  return ok;
}

const only = process.argv.slice(2);
const want = (s) => only.length === 0 || only.includes(s);

if (want('lint')) run('lint (eslint type-aware + prettier)', 'npm', ['run', '--silent', 'lint']);
if (want('typecheck')) run('typecheck (tsc strict)', 'npm', ['run', '--silent', 'typecheck']);
if (want('sqlite')) vitest('tests on SQLite (unit, integration, browser)', { PARLEY_TEST_DB: 'sqlite' }, []);
if (want('postgres'))
  vitest('integration tests on PostgreSQL', { PARLEY_TEST_DB: 'postgres' }, ['integration']);

process.stdout.write('\nSummary\n');
for (const s of steps) process.stdout.write(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${s.seconds}s)\n`);
const allOk = steps.every((s) => s.ok);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(allOk && failed === 0 ? 0 : 1);
