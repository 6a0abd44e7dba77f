import * as semver from 'semver';
import { UserError } from '../errors';
import { isRepositoryName, REPOSITORY_NAME_RULE } from '../oci/reference';

/** One entry of `requires`: what a requirer asked for, and the npm range it means. */
export interface RequirementSpec {
  /** As written in resource.json (or recorded in a release). */
  text: string;
  /** The npm range it is translated to; `*` for any. */
  range: semver.Range;
}

export const SPEC_FORMS =
  'accepted: an npm range (^1.2, ~1.4.2, >=1.2 <2, 1.x, a || b), a partial version (1, 1.2), "" or * for any, ' +
  'or pip-like clauses joined by commas (>=0.0.3, ==1.*, ~=1.4, ~=1.4.5, !=1.3.0)';

// Pip-like is recognised by what npm ranges never contain.
const PIP_MARKERS = /==|~=|!=|,/;
const PIP_CLAUSE = /^(==|!=|~=|>=|<=|>|<)\s*v?(\d+(?:\.\d+){0,2})(\.\*)?$/;

/**
 * Parses a requirement spec (SPEC §9). `where` names it in errors: `ham/resource.json: requires.eggs`.
 * Pip-like clauses are translated exactly, as Murano reads them: a partial version after `==`
 * or `!=` means the whole range it names (`==1` = any 1.x.x), other operators pad with zeros.
 */
export function parseSpec(text: string, where: string): RequirementSpec {
  const trimmed = text.trim();
  // npm reads an empty `||` alternative as "any version" and drops `+build`: neither is what was written.
  if (trimmed.includes('+') || (trimmed.includes('||') && /(^|\|\|)\s*(\|\||$)/.test(trimmed))) throw invalid(text, where);
  const npm = PIP_MARKERS.test(trimmed) ? pipToNpm(trimmed, () => invalid(text, where)) : trimmed === '' ? '*' : trimmed;
  let range: semver.Range;
  try {
    range = new semver.Range(npm);
  } catch {
    throw invalid(text, where);
  }
  return { text, range };
}

/** A requirement's key names a resource, and a resource's repository is named after it: an OCI repository name. */
export function assertRequirementName(name: string, where: string): void {
  if (!isRepositoryName(name)) throw new UserError(`${where}: "${name}" is no resource name: ${REPOSITORY_NAME_RULE}`);
}

/** Whether `version` (stable, `1.2.3`) meets the spec. */
export function satisfiesSpec(version: string, spec: RequirementSpec): boolean {
  return spec.range.test(version);
}

function invalid(text: string, where: string): UserError {
  return new UserError(`${where}: ${JSON.stringify(text)} is not a version spec; ${SPEC_FORMS}`);
}

/** `>=1.2, !=1.3.0, <2` → an npm range; every clause must hold, so clauses are crossed like (a||b) and (c||d). */
function pipToNpm(text: string, fail: () => UserError): string {
  let alternatives = [''];
  for (const clause of text.split(',')) {
    const options = pipClause(clause.trim(), fail);
    alternatives = alternatives.flatMap((prefix) => options.map((option) => `${prefix} ${option}`.trim()));
  }
  return alternatives.join(' || ');
}

/** One pip clause as npm comparator sets (any of which may hold). */
function pipClause(clause: string, fail: () => UserError): string[] {
  const match = PIP_CLAUSE.exec(clause);
  if (!match) throw fail();
  const [, op, digits, star] = match;
  const parts = digits.split('.').map(Number);
  if (star && ((op !== '==' && op !== '!=') || parts.length > 2)) throw fail();
  if (op === '==' || op === '!=') {
    const [low, high] = partialBounds(parts);
    if (op === '==') return [high ? `>=${low} <${high}` : low];
    return high ? [`<${low}`, `>=${high}`] : [`<${low}`, `>${low}`];
  }
  if (op === '~=') {
    // PEP 440: ~=1.4 is >=1.4,==1.*; ~=1.4.5 is >=1.4.5,==1.4.*; ~=1 is not allowed.
    if (parts.length < 2) throw fail();
    const [, high] = partialBounds(parts.slice(0, -1));
    return [`>=${padded(parts)} <${high}`];
  }
  return [`${op}${padded(parts)}`];
}

/**
 * What a (partial) version names: `1` → [1.0.0, 2.0.0-0), `1.2` → [1.2.0, 1.3.0-0), `1.2.3` →
 * exactly 1.2.3 (no upper bound returned: the caller compares for equality).
 */
function partialBounds(parts: number[]): [string, string | null] {
  if (parts.length === 3) return [padded(parts), null];
  const next = [...parts];
  next[next.length - 1] += 1;
  return [padded(parts), `${padded(next)}-0`];
}

function padded(parts: number[]): string {
  return [...parts, 0, 0].slice(0, 3).join('.');
}
