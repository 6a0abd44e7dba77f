import fc from 'fast-check';
import * as semver from 'semver';
import { UserError } from '../errors';
import { label, RequirementConflict, resolveRequirements, type ReleaseCatalog, type Resolution, type RootRequirements } from './resolve';
import { parseSpec } from '@modelos/runtime';

type Releases = Record<string, Record<string, Record<string, string>>>;

function catalogOf(releases: Releases): ReleaseCatalog {
  return { releases: async (resource) => new Map(Object.entries(releases[resource] ?? {})) };
}

const root = (resource: string, requires: Record<string, string>): RootRequirements => ({ resource, requires, file: `${resource}/resource.json` });
const versionsOf = (resolution: Resolution, resource: string) => resolution.filter((r) => r.resource === resource).map((r) => r.version);

describe('resolveRequirements', () => {
  const eggs = { '1.2.0': {}, '1.2.3': {}, '1.4.0': {}, '2.0.0': {} };

  it('reuses one version for requirers that share it, the highest among equals', async () => {
    const resolution = await resolveRequirements([root('ham', { eggs: '^1.2' }), root('bacon', { eggs: '1.4' })], catalogOf({ eggs }));
    expect(resolution).toHaveLength(1);
    expect(resolution[0].version).toBe('1.4.0');
    expect(resolution[0].requiredBy.map((r) => `${label(r.requirer)} ${r.spec.text}`)).toEqual(['bacon 1.4', 'ham ^1.2']);
  });

  it('puts majors side by side, one version each', async () => {
    const resolution = await resolveRequirements([root('ham', { eggs: '^1.2' }), root('bacon', { eggs: '>=2' })], catalogOf({ eggs }));
    expect(versionsOf(resolution, 'eggs')).toEqual(['1.4.0', '2.0.0']);
  });

  it('follows the requirements each chosen release recorded', async () => {
    const releases = { toast: { '2.0.1': { bacon: '1' } }, bacon: { '1.0.0': { eggs: '~1.2.0' } }, eggs };
    const resolution = await resolveRequirements([root('ham', { toast: '2', eggs: '1' })], catalogOf(releases));
    expect(resolution.map((r) => `${r.resource} ${r.version}`)).toEqual(['bacon 1.0.0', 'eggs 1.2.3', 'toast 2.0.1']);
    expect(resolution.find((r) => r.resource === 'eggs')!.requiredBy.map((r) => [label(r.requirer), r.requirer.via])).toEqual([
      ['bacon 1.0.0', ['ham', 'toast 2.0.1']],
      ['ham', []],
    ]);
  });

  it('explains a conflict within one major like PubGrub, naming the chain', async () => {
    const releases = { toast: { '2.0.1': { bacon: '1' } }, bacon: { '1.0.0': { eggs: '1.2' } }, eggs };
    const err = await resolveRequirements([root('ham', { eggs: '^1.4', toast: '2' })], catalogOf(releases)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(RequirementConflict);
    expect((err as Error).message).toBe(
      'ham needs eggs ^1.4; bacon 1.0.0 needs eggs 1.2 (via ham → toast 2.0.1); no eggs 1.x satisfies both; available: 1.2.0, 1.2.3, 1.4.0',
    );
  });

  it('says when nothing satisfies a spec, and when a resource has no releases', async () => {
    await expect(resolveRequirements([root('ham', { eggs: '^3' })], catalogOf({ eggs }))).rejects.toThrow(
      'ham needs eggs ^3; no release of eggs satisfies it; available: 1.2.0, 1.2.3, 1.4.0, 2.0.0',
    );
    await expect(resolveRequirements([root('ham', { jam: '' })], catalogOf({ eggs }))).rejects.toThrow('ham needs jam *; jam has no releases');
  });

  it('keeps a previous choice that still meets every requirement, and drops one that does not', async () => {
    const roots = [root('ham', { eggs: '^1.2' })];
    expect(versionsOf(await resolveRequirements(roots, catalogOf({ eggs }), new Map([['eggs', ['1.2.0']]])), 'eggs')).toEqual(['1.2.0']);
    expect(versionsOf(await resolveRequirements(roots, catalogOf({ eggs }), new Map([['eggs', ['1.0.0']]])), 'eggs')).toEqual(['1.4.0']);
    expect(versionsOf(await resolveRequirements(roots, catalogOf({ eggs }), new Map([['eggs', ['1.2.0', '2.0.0']]])), 'eggs')).toEqual(['1.4.0']);
  });

  it('refuses a bad spec naming the file and the requirement', async () => {
    await expect(resolveRequirements([root('ham', { eggs: 'newest' })], catalogOf({ eggs }))).rejects.toThrow(
      'ham/resource.json: requires.eggs: "newest" is not a version spec',
    );
  });
});

/** Random release sets and requirement graphs: every result meets every spec with the fewest versions; every failure is a real conflict. */
describe('resolveRequirements (properties)', () => {
  const NAMES = ['a', 'b', 'c', 'd'];
  const VERSIONS = ['1.0.0', '1.1.0', '1.1.1', '1.2.0', '2.0.0', '2.1.0', '3.0.0'];
  const SPECS = ['^1.0', '^1.1', '1.2', '~1.1.0', '2', '*', '', '>=1.1', '==1.*', '!=1.1.0', '1.0.0', '^2.1', '>=1.2, <3', '~=1.1', '3 || 1.0', '>=2'];
  const requires = fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...SPECS), { maxKeys: 2 });
  const releases = fc.dictionary(fc.constantFrom(...NAMES), fc.dictionary(fc.constantFrom(...VERSIONS), requires, { maxKeys: 5 }), { maxKeys: 4 });
  const roots = fc.uniqueArray(fc.tuple(fc.constantFrom('w1', 'w2', 'w3'), requires), { minLength: 1, maxLength: 3, selector: ([name]) => name });

  /** Brute force: the fewest versions (at most one per major) meeting every spec, or null. */
  function fewest(specs: string[], available: string[]): number | null {
    let best: number | null = null;
    for (let subset = 1; subset < 1 << available.length; subset++) {
      const picked = available.filter((_, i) => subset & (1 << i));
      const majors = picked.map((v) => semver.major(v));
      if (new Set(majors).size !== majors.length) continue;
      if (!specs.every((spec) => picked.some((v) => parseSpec(spec, 'test').range.test(v)))) continue;
      if (best === null || picked.length < best) best = picked.length;
    }
    return best;
  }

  it('meets every spec with the fewest versions per resource, or names a conflict that is real', async () => {
    await fc.assert(
      fc.asyncProperty(releases, roots, async (catalog, rootList) => {
        const rootReqs = rootList.map(([name, req]) => root(name, req));
        let resolution: Resolution;
        try {
          resolution = await resolveRequirements(rootReqs, catalogOf(catalog));
        } catch (err) {
          if (!(err instanceof RequirementConflict)) {
            // The only other failure: choices that never settle.
            expect(err).toBeInstanceOf(UserError);
            expect((err as Error).message).toMatch(/do not settle/);
            return;
          }
          const available = Object.keys(catalog[err.resource] ?? {});
          expect(err.requirements.length).toBeGreaterThan(0);
          // Real: the named requirers exist with those specs, and nothing meets them all.
          for (const r of err.requirements) {
            const recorded = r.requirer.version === null ? rootReqs.find((x) => x.resource === r.requirer.resource)!.requires : catalog[r.requirer.resource][r.requirer.version];
            expect(recorded[err.resource]).toBe(r.spec.text);
            expect(err.message).toContain(`${label(r.requirer)} needs ${err.resource} ${r.spec.text || '*'}`);
          }
          expect(fewest(err.requirements.map((r) => r.spec.text), available)).toBeNull();
          return;
        }
        const chosen = new Map<string, string[]>();
        for (const r of resolution) chosen.set(r.resource, [...(chosen.get(r.resource) ?? []), r.version]);
        // Every spec in force (the roots' and each chosen release's) is met; every version is used.
        const inForce: Array<[string, string]> = [
          ...rootReqs.flatMap((r) => Object.entries(r.requires)),
          ...resolution.flatMap((r) => Object.entries(catalog[r.resource][r.version])),
        ];
        for (const [resource, spec] of inForce) {
          expect([resource, spec, (chosen.get(resource) ?? []).some((v) => parseSpec(spec, 'test').range.test(v))]).toEqual([resource, spec, true]);
        }
        for (const r of resolution) expect(r.requiredBy.length).toBeGreaterThan(0);
        // Fewest: no smaller choice meets the same specs.
        for (const [resource, versions] of chosen) {
          const specs = inForce.filter(([name]) => name === resource).map(([, spec]) => spec);
          expect([resource, versions.length]).toEqual([resource, fewest(specs, Object.keys(catalog[resource]))]);
        }
      }),
      { numRuns: 300 },
    );
  });
});
