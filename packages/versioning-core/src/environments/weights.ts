import { UserError } from '../errors';
import { compareVersions, parseVersion, tryParseVersion, versionTag } from '../tags';

/** One version's part of an environment's traffic; weights are proportional (Gateway API style). */
export interface VersionWeight {
  /** Tag form, `v1.1.0`. */
  version: string;
  weight: number;
}

const WEIGHTS_RULE = 'expected <version>=<weight>[,<version>=<weight>…] with non-negative integer or decimal weights, e.g. v1.0.0=90,v1.1.0=10 or v1.0.0=0.9,v1.1.0=0.1';
const WEIGHT = /^(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$|^\.[0-9]+$/;

/**
 * `v1.0.0=90,v1.1.0=10` → the versions with a weight above 0, newest first. Refuses text that does
 * not parse, a version given twice, and weights that sum to 0.
 */
export function parseWeights(text: string): VersionWeight[] {
  const seen = new Map<string, number>();
  for (const part of text.split(',')) {
    const [versionText, weightText, ...rest] = part.trim().split('=');
    const version = versionText ? tryParseVersion(versionText.trim()) : undefined;
    const weightTrimmed = weightText?.trim() ?? '';
    if (!version || rest.length > 0 || !WEIGHT.test(weightTrimmed)) throw new UserError(`invalid weights "${text}" at "${part.trim()}": ${WEIGHTS_RULE}`);
    const tag = versionTag(version);
    if (seen.has(tag)) throw new UserError(`invalid weights "${text}": ${tag} is given twice`);
    seen.set(tag, Number(weightTrimmed));
  }
  const weights = [...seen].filter(([, weight]) => weight > 0).map(([version, weight]) => ({ version, weight }));
  if (weights.length === 0) throw new UserError(`invalid weights "${text}": they sum to 0, so no version would get traffic`);
  return sortWeights(weights);
}

/** Newest version first: the order tables, entries and the split use everywhere. */
export function sortWeights(weights: VersionWeight[]): VersionWeight[] {
  return [...weights].sort((a, b) => compareVersions(parseVersion(b.version), parseVersion(a.version)));
}

/** Each version's share of the traffic, from 0 to 1. */
export function shares(weights: VersionWeight[]): Map<string, number> {
  const total = weights.reduce((sum, w) => sum + w.weight, 0);
  return new Map(weights.map((w) => [w.version, w.weight / total]));
}

/** `v1.1.0=10,v1.0.0=90`: what parseWeights reads back. */
export function formatWeights(weights: VersionWeight[]): string {
  return weights.map((w) => `${w.version}=${w.weight}`).join(',');
}

/** `v1.1.0 10%, v1.0.0 90%` for tables. */
export function formatSplit(weights: VersionWeight[]): string {
  const share = shares(weights);
  return weights.map((w) => `${w.version} ${formatPercent(share.get(w.version)!)}`).join(', ');
}

export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}

/** The version that gets the most traffic (the newest among equals): where `env-<name>` points. */
export function leadingVersion(weights: VersionWeight[]): string {
  return weights.reduce((best, w) => (w.weight > best.weight ? w : best)).version;
}

/** Refuses a split across majors: a client of one major cannot call a server of another (SPEC §8). */
export function assertOneMajor(weights: VersionWeight[]): void {
  const majors = new Map<number, string>();
  for (const w of weights) majors.set(parseVersion(w.version).major, w.version);
  if (majors.size > 1) {
    const named = [...majors].map(([major, version]) => `${version} (v${major})`).join(' and ');
    throw new UserError(`a split across majors is refused: ${named}; a client of one major cannot call a server of another, so send traffic to versions of one major only`);
  }
}

