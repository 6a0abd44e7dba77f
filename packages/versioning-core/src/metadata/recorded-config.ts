import { UserError } from '../errors';
import type { Author } from '../git';
import { INTERFACE_FORMAT, type InterfaceDescriptor } from '../interface';
import type { FileRecord } from './file-digests';
import type { MetricsAndLabels } from './metrics';

/** A requirement as a release resolved it: which version of which resource (SPEC §9). */
export interface ResolvedRequirement {
  resource: string;
  version: string;
  digest: string | null;
}

/**
 * A resource config blob as read back. Every field a config made by an older version of this
 * tool may lack is nullable: releases made before metadata have no files or author, the first
 * ones no interface. `metrics` there was the metricsFile verbatim: its numbers and strings are
 * read as metrics and labels, anything else is left out.
 */
export interface RecordedConfig extends MetricsAndLabels {
  name: string | null;
  interface: InterfaceDescriptor | null;
  clientHash: string | null;
  closureProjects: string[];
  closureCommit: string | null;
  dirtyHash: string | null;
  requires: Record<string, string>;
  /** Recorded by releases that resolved their requirements; null when the config has none. */
  resolved: ResolvedRequirement[] | null;
  author: Author | null;
  /** Per closure project; null when the config predates file records. */
  files: Record<string, FileRecord[]> | null;
}

/** Reads a config blob; `what` names it in the error when it is not a JSON object. */
export function parseRecordedConfig(bytes: Buffer, what: string): RecordedConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new UserError(`the config of ${what} is not JSON: is it a ModelOS resource?`);
  }
  if (!isObject(parsed)) throw new UserError(`the config of ${what} is not a JSON object: is it a ModelOS resource?`);
  const closure = isObject(parsed.closure) ? parsed.closure : {};
  return {
    name: stringOrNull(parsed.name),
    interface: isDescriptor(parsed.interface) ? parsed.interface : null,
    clientHash: stringOrNull(parsed.clientHash),
    closureProjects: Array.isArray(closure.projects) ? closure.projects.filter(isString) : [],
    closureCommit: stringOrNull(closure.commit),
    dirtyHash: stringOrNull(parsed.dirtyHash),
    requires: stringValues(parsed.requires),
    resolved: readResolved(parsed.resolved),
    author: isObject(parsed.author) && isString(parsed.author.name) && isString(parsed.author.email) ? { name: parsed.author.name, email: parsed.author.email } : null,
    files: readFiles(parsed.files),
    metrics: Object.fromEntries(Object.entries(isObject(parsed.metrics) ? parsed.metrics : {}).filter(([, v]) => typeof v === 'number')) as Record<string, number>,
    labels: { ...stringValues(parsed.metrics), ...stringValues(parsed.labels) },
  };
}

/** Enough shape to diff; a descriptor of another format is diffed as incomparable (major). */
function isDescriptor(value: unknown): value is InterfaceDescriptor {
  const d = value as Partial<InterfaceDescriptor> | null | undefined;
  if (typeof d !== 'object' || d === null || typeof d.formatVersion !== 'number') return false;
  if (d.formatVersion !== INTERFACE_FORMAT) return true;
  return (
    typeof d.className === 'string' &&
    [d.typeParameters, d.constructors, d.methods, d.staticMethods, d.types].every(Array.isArray) &&
    (d.extends === null || typeof d.extends === 'string')
  );
}

function readFiles(value: unknown): Record<string, FileRecord[]> | null {
  if (!isObject(value)) return null;
  const files: Record<string, FileRecord[]> = {};
  for (const [project, list] of Object.entries(value)) {
    files[project] = (Array.isArray(list) ? list : []).filter(
      (f): f is FileRecord => isObject(f) && isString(f.path) && typeof f.size === 'number' && isString(f.sha256),
    );
  }
  return files;
}

/** `{ eggs: "1.4.2" }`, `{ eggs: { version, digest } }` or lists of either (several majors). */
function readResolved(value: unknown): ResolvedRequirement[] | null {
  if (!isObject(value)) return null;
  const resolved: ResolvedRequirement[] = [];
  for (const [resource, entry] of Object.entries(value)) {
    for (const one of Array.isArray(entry) ? entry : [entry]) {
      if (isString(one)) resolved.push({ resource, version: one, digest: null });
      else if (isObject(one) && isString(one.version)) resolved.push({ resource, version: one.version, digest: stringOrNull(one.digest) });
    }
  }
  return resolved;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function stringOrNull(value: unknown): string | null {
  return isString(value) ? value : null;
}

function stringValues(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(isObject(value) ? value : {}).filter(([, v]) => isString(v)));
}
