// SPEC §12 under faults: a seeded random run of operations through a fault-injecting proxy in
// front of the real registry, then the invariants read back from the registry itself.
// `node tools/soak.js --seed N --operations N --minutes N` runs longer soaks.
import { runSoak } from './test-support/soak';

jest.setTimeout(240_000);

it('store, release, clean, versions, install, promote and traffic hold their invariants under injected faults', async () => {
  const report = await runSoak({
    registryHost: process.env.MODELOS_TEST_REGISTRY!,
    seed: Number(process.env.MODELOS_SOAK_SEED ?? 20261128),
    maxOperations: Number(process.env.MODELOS_SOAK_OPERATIONS ?? 200),
    maxMs: 50_000, // bounded in time too: a loaded CI machine does fewer operations, never a longer run
    faultRate: process.env.MODELOS_SOAK_FAULT_RATE === undefined ? undefined : Number(process.env.MODELOS_SOAK_FAULT_RATE),
    log: process.env.MODELOS_SOAK_LOG ? (line) => process.stdout.write(`${line}\n`) : undefined,
  });
  const { releases, ...counts } = report;
  process.stdout.write(`fault soak: ${JSON.stringify({ ...counts, releases: releases.length })}\n`);
  expect(report.violations).toEqual([]);
  expect(report.operations).toBeGreaterThanOrEqual(Math.min(30, Number(process.env.MODELOS_SOAK_OPERATIONS ?? 200)));
  expect(report.faults).toBeGreaterThan(report.operations / 5);
  expect(releases.length).toBeGreaterThanOrEqual(2);
  // Time-bounded: a slow machine may reach the rarer kinds (install, promote, traffic) less often.
  expect([report.byKind.store, report.byKind.release, report.byKind.clean, report.byKind.versions].every((n) => n > 0)).toBe(true);
});
