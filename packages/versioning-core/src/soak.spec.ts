// SPEC §12 under faults: a seeded random run of operations through a fault-injecting proxy in
// front of a real registry, then the invariants read back from the registry itself. It runs in a
// process of its own (`tools/soak.js`, as people run longer soaks), so that a fault the code fails
// to handle (an error event nobody listens to) shows as this test's failure with its stderr.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { SoakReport } from './test-support/soak';

jest.setTimeout(240_000);

it('store, release, clean, versions, install, promote and traffic hold their invariants under injected faults', async () => {
  const soak = path.join(__dirname, '../../../tools/soak.js');
  const args = [
    soak,
    '--json',
    '--seed',
    process.env.MODELOS_SOAK_SEED ?? '20261128',
    '--operations',
    process.env.MODELOS_SOAK_OPERATIONS ?? '200',
    // Bounded in time too: a loaded CI machine does fewer operations, never a longer run.
    '--minutes',
    String(50 / 60),
    ...(process.env.MODELOS_SOAK_FAULT_RATE ? ['--fault-rate', process.env.MODELOS_SOAK_FAULT_RATE] : []),
  ];
  const { stdout, stderr } = await promisify(execFile)(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }).catch((err) => err);
  const last = stdout.trim().split('\n').pop()!;
  if (!last.startsWith('{')) throw new Error(`tools/soak.js printed no report; its stderr:\n${stderr}`);
  const report = JSON.parse(last) as SoakReport;
  const { releases, ...counts } = report;
  process.stdout.write(`fault soak: ${JSON.stringify({ ...counts, releases: releases.length })}\n`);
  expect(report.violations).toEqual([]);
  expect(report.operations).toBeGreaterThanOrEqual(Math.min(30, Number(process.env.MODELOS_SOAK_OPERATIONS ?? 200)));
  expect(report.faults).toBeGreaterThan(report.operations / 5);
  expect(releases.length).toBeGreaterThanOrEqual(2);
  // Time-bounded: a slow machine may reach the rarer kinds (install, promote, traffic) less often.
  expect([report.byKind.store, report.byKind.release, report.byKind.clean, report.byKind.versions].every((n) => n > 0)).toBe(true);
});
