import * as semver from 'semver';
import { satisfiesSpec, type RequirementSpec } from '@modelos/runtime';

/**
 * Murano's rule for one required resource: the fewest distinct versions such that every
 * requirement is met by one of them, at most one per major (each major is one client package,
 * `eggs-client-v1`), the highest among equal choices. Exact, not greedy: a choice is a version
 * per major, and only versions that meet a different subset of the requirements are told apart.
 */
export function chooseVersions(specs: RequirementSpec[], available: string[]): string[] | null {
  if (specs.length === 0) return [];
  const versions = [...available].sort(semver.rcompare);
  const masks = specs.map((spec) => versions.map((v) => satisfiesSpec(v, spec)));
  if (masks.some((mask) => !mask.includes(true))) return null;
  const majors = [...new Set(versions.map((v) => semver.major(v)))];
  // Per major, the highest version of each distinct "which requirements it meets" signature.
  const options = majors.map((major) => {
    const best = new Map<string, number>();
    versions.forEach((v, i) => {
      if (semver.major(v) !== major) return;
      const signature = masks.map((mask) => (mask[i] ? '1' : '0')).join('');
      if (!best.has(signature)) best.set(signature, i);
    });
    return [...best.values()];
  });
  // Iterative deepening on the number of versions: the first size with a cover is the fewest.
  for (let size = 1; size <= majors.length; size++) {
    const found = bestCover(options, masks, size);
    if (found) return found.map((i) => versions[i]);
  }
  return null;
}

/**
 * The best cover with exactly `size` versions from distinct majors: the one whose versions,
 * highest first, compare highest. Majors are in descending order and options within a major
 * too, so the first cover found in this order is that one.
 */
function bestCover(options: number[][], masks: boolean[][], size: number): number[] | null {
  const picked: number[] = [];
  const search = (major: number): number[] | null => {
    if (picked.length === size) return masks.every((mask) => picked.some((i) => mask[i])) ? [...picked] : null;
    if (options.length - major < size - picked.length) return null;
    for (const option of options[major]) {
      picked.push(option);
      const found = search(major + 1);
      picked.pop();
      if (found) return found;
    }
    return search(major + 1);
  };
  return search(0);
}

/**
 * The smallest set of requirements that still has no choice (a deletion filter): what an
 * explanation must name, and nothing more.
 */
export function minimalConflict<T extends { spec: RequirementSpec }>(requirements: T[], available: string[]): T[] {
  let conflict = [...requirements];
  for (let i = conflict.length - 1; i >= 0; i--) {
    const without = conflict.filter((_, j) => j !== i);
    if (chooseVersions(without.map((r) => r.spec), available) === null) conflict = without;
  }
  return conflict;
}
