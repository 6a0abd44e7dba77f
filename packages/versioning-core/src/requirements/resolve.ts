import * as semver from 'semver';
import { UserError } from '../errors';
import { chooseVersions, minimalConflict } from './choose';
import { parseSpec, type RequirementSpec } from '@modelos/runtime';
import { byCodeUnits } from '../code-unit-order';

/** What the resolver knows of a resource's releases: stable versions and what each release requires. */
export interface ReleaseCatalog {
  /** Stable release versions (`1.2.0`, no `v`) of `resource`, each with the specs it recorded. */
  releases(resource: string): Promise<Map<string, Record<string, string>>>;
}

/** A resource of the set being resolved (a workspace project) and its resource.json `requires`. */
export interface RootRequirements {
  resource: string;
  requires: Record<string, string>;
  /** Names it in spec errors, e.g. `ham/resource.json`. */
  file: string;
}

/** Who needs a version: a root (version null) or a chosen release, reached through `via`. */
export interface Requirer {
  resource: string;
  version: string | null;
  /** Labels from a root down to (not including) this requirer: `["ham", "toast 2.0.1"]`. */
  via: string[];
}

export interface Requirement {
  requirer: Requirer;
  resource: string;
  spec: RequirementSpec;
}

export interface ResolvedVersion {
  resource: string;
  version: string;
  /** Requirements this version meets (each requirement is assigned its highest chosen version). */
  requiredBy: Requirement[];
}

/** Resources in name order, versions ascending: the same set gives the same result. */
export type Resolution = ResolvedVersion[];

/** Requirements of one resource that no choice of versions meets: the message, and the facts behind it. */
export class RequirementConflict extends UserError {
  constructor(
    message: string,
    readonly resource: string,
    readonly requirements: Requirement[],
  ) {
    super(message);
  }
}

/** Choices can only move a bounded number of times; a set that never settles is reported. */
const MAX_ROUNDS = 50;

/**
 * Resolves the requirements of `roots`, transitively: each chosen release brings the specs it
 * recorded when it was released. Repeats until the choice no longer changes (a new choice may
 * bring or drop requirements). `previous` (a lock) is kept as it is when it still meets every
 * requirement it brings, so an unchanged workspace resolves to the same lock.
 */
export async function resolveRequirements(roots: RootRequirements[], catalog: ReleaseCatalog, previous?: Map<string, string[]>): Promise<Resolution> {
  const rootRequirements = roots.flatMap((root) => parseRoot(root));
  previous = previous && new Map([...previous].map(([resource, versions]) => [resource, [...versions].sort(semver.compare)]));
  const parse = memoizedSpecs();
  const collect = (rootReqs: Requirement[], chosen: Map<string, string[]>) => collectRequirements(rootReqs, chosen, catalog, parse);
  // A resource whose requirements did not change since the last round keeps its choice.
  const choices = new Map<string, { key: string; versions: string[] }>();
  if (previous && (await meetsAll(previous, await collect(rootRequirements, previous), catalog))) {
    return assign(previous, await collect(rootRequirements, previous));
  }
  let chosen = new Map<string, string[]>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const requirements = await collect(rootRequirements, chosen);
    const next = new Map<string, string[]>();
    for (const [resource, group] of groupByResource(requirements)) {
      const key = group.map((r) => r.spec.text).sort().join('\n');
      let choice = choices.get(resource);
      if (choice?.key !== key) {
        const available = [...(await catalog.releases(resource)).keys()];
        const versions = chooseVersions(group.map((r) => r.spec), available);
        if (!versions) throw conflictError(resource, minimalConflict(group, available), available);
        choice = { key, versions: versions.sort(semver.compare) };
        choices.set(resource, choice);
      }
      next.set(resource, choice.versions);
    }
    if (sameChoice(chosen, next)) return assign(next, requirements);
    chosen = next;
  }
  throw new UserError(`requirements of ${roots.map((r) => r.resource).join(', ')} do not settle: releases keep requiring versions that change what else is required`);
}

/** Specs recur across releases: each text is parsed into a range once per resolve. */
function memoizedSpecs(): (text: string, where: string) => RequirementSpec {
  const parsed = new Map<string, RequirementSpec>();
  return (text, where) => {
    let spec = parsed.get(text);
    if (!spec) parsed.set(text, (spec = parseSpec(text, where)));
    return spec;
  };
}

function parseRoot(root: RootRequirements): Requirement[] {
  const requirer: Requirer = { resource: root.resource, version: null, via: [] };
  return Object.entries(root.requires).map(([resource, text]) => ({ requirer, resource, spec: parseSpec(text, `${root.file}: requires.${resource}`) }));
}

/**
 * Every requirement in force under a choice: the roots', then (breadth first, so `via` is the
 * shortest chain) those recorded by each chosen version some requirement reaches.
 */
async function collectRequirements(
  roots: Requirement[],
  chosen: Map<string, string[]>,
  catalog: ReleaseCatalog,
  parse: (text: string, where: string) => RequirementSpec,
): Promise<Requirement[]> {
  const all: Requirement[] = [];
  const reached = new Set<string>();
  let frontier = roots;
  while (frontier.length > 0) {
    all.push(...frontier);
    const next: Requirement[] = [];
    for (const requirement of frontier) {
      const version = highestMeeting(chosen.get(requirement.resource) ?? [], requirement.spec);
      const key = `${requirement.resource}@${version}`;
      if (!version || reached.has(key)) continue;
      reached.add(key);
      const requirer: Requirer = { resource: requirement.resource, version, via: [...requirement.requirer.via, label(requirement.requirer)] };
      const recorded = (await catalog.releases(requirement.resource)).get(version) ?? {};
      for (const [resource, text] of Object.entries(recorded)) {
        next.push({ requirer, resource, spec: parse(text, `the release ${label(requirer)}: requires.${resource}`) });
      }
    }
    frontier = next;
  }
  return all;
}

async function meetsAll(chosen: Map<string, string[]>, requirements: Requirement[], catalog: ReleaseCatalog): Promise<boolean> {
  for (const [resource, versions] of chosen) {
    const releases = await catalog.releases(resource);
    const majors = versions.map((v) => semver.major(v));
    if (versions.some((v) => !releases.has(v)) || new Set(majors).size !== majors.length) return false;
  }
  // Every requirement is met, and every version meets one (else a requirement went away and the lock is stale).
  const used = new Set<string>();
  for (const r of requirements) {
    const version = highestMeeting(chosen.get(r.resource) ?? [], r.spec);
    if (!version) return false;
    used.add(`${r.resource}@${version}`);
  }
  return [...chosen].every(([resource, versions]) => versions.every((v) => used.has(`${resource}@${v}`)));
}

function assign(chosen: Map<string, string[]>, requirements: Requirement[]): Resolution {
  const resolved = [...chosen.keys()].sort().flatMap((resource) =>
    chosen.get(resource)!.map((version): ResolvedVersion => ({ resource, version, requiredBy: [] })),
  );
  const byKey = new Map(resolved.map((r) => [`${r.resource}@${r.version}`, r]));
  for (const requirement of requirements) {
    const version = highestMeeting(chosen.get(requirement.resource) ?? [], requirement.spec);
    byKey.get(`${requirement.resource}@${version}`)?.requiredBy.push(requirement);
  }
  for (const r of resolved) r.requiredBy.sort((a, b) => label(a.requirer).localeCompare(label(b.requirer)) || a.spec.text.localeCompare(b.spec.text));
  return resolved;
}

/** `versions` ascending, as every choice is kept. */
function highestMeeting(versions: string[], spec: RequirementSpec): string | undefined {
  for (let i = versions.length - 1; i >= 0; i--) if (spec.range.test(versions[i])) return versions[i];
  return undefined;
}

function groupByResource(requirements: Requirement[]): Map<string, Requirement[]> {
  const groups = new Map<string, Requirement[]>();
  for (const r of requirements) {
    const group = groups.get(r.resource);
    if (group) group.push(r);
    else groups.set(r.resource, [r]);
  }
  return new Map([...groups].sort(([a], [b]) => byCodeUnits(a, b)));
}

function sameChoice(a: Map<string, string[]>, b: Map<string, string[]>): boolean {
  return a.size === b.size && [...a].every(([resource, versions]) => b.get(resource)?.join() === versions.join());
}

/** `ham` for a root, `toast 2.0.1` for a release. */
export function label(requirer: Requirer): string {
  return requirer.version ? `${requirer.resource} ${requirer.version}` : requirer.resource;
}

/**
 * PubGrub-style prose: each requirer, its spec and how it was reached, then why no choice
 * exists and what there is: "ham needs eggs ^1.4; bacon 1.0.0 needs eggs 1.2 (via ham → toast
 * 2.0.1); no eggs 1.x satisfies both; available: 1.2.0, 1.2.3, 1.4.0".
 */
function conflictError(resource: string, conflict: Requirement[], available: string[]): RequirementConflict {
  const needs = conflict.map((r) => {
    const via = r.requirer.via.length ? ` (via ${r.requirer.via.join(' → ')})` : '';
    return `${label(r.requirer)} needs ${resource} ${r.spec.text || '*'}${via}`;
  });
  const sorted = [...available].sort(semver.compare);
  if (sorted.length === 0) return new RequirementConflict(`${needs.join('; ')}; ${resource} has no releases`, resource, conflict);
  const majors = new Set(sorted.filter((v) => conflict.some((r) => r.spec.range.test(v))).map((v) => semver.major(v)));
  const within = majors.size === 1 ? `no ${resource} ${[...majors][0]}.x` : `no choice of one ${resource} version per major`;
  const what = conflict.length === 1 ? `no release of ${resource} satisfies it` : `${within} satisfies ${conflict.length === 2 ? 'both' : 'all of them'}`;
  const shown = majors.size === 1 ? sorted.filter((v) => majors.has(semver.major(v))) : sorted;
  return new RequirementConflict(`${needs.join('; ')}; ${what}; available: ${shown.join(', ')}`, resource, conflict);
}
