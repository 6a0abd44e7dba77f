import { Readable } from 'node:stream';
import { Annotations } from '../oci';
import { canonicalJson } from '../canonical-json';
import { UserError } from '../errors';
import { digestOf, EmptyJson, MediaTypes, parseManifest, serializeManifest, type Descriptor, type Repository } from '../oci';
import { ENVLOG_PREFIX, environmentTag } from '../tags';
import type { VersionWeight } from './weights';

/** A version of an environment's split, with the digests it was pinned to when the entry was written. */
export interface EnvironmentTarget extends VersionWeight {
  /** Manifest digest of the release `v<version>`. */
  digest: string;
  /** Manifest digest of its server package `pkg-v<version>`; null when the release has none. */
  package: string | null;
}

export type EnvironmentAction = 'promote' | 'rollback' | 'traffic';

/** One change of an environment: the whole assignment after it, and who made it, when and why. */
export interface EnvironmentEntry {
  /** 1, 2, 3 … in the order the entries were appended. */
  n: number;
  action: EnvironmentAction;
  /** Newest version first; weights are proportional. */
  targets: EnvironmentTarget[];
  /** Replicas per version an endpoint runs. */
  replicas: number;
  /** RFC 3339. */
  time: string;
  who: string;
  reason: string;
  /** Digest of the envlog manifest this entry was appended to; null for the first entry. */
  previous: string | null;
  /** Random id of the writing process: how a writer finds its own entry after a re-read. */
  writer: string;
}

/** The config blob of an `envlog-<name>` manifest: the whole history, oldest entry first. */
export interface Envlog {
  formatVersion: 1;
  resource: string;
  environment: string;
  entries: EnvironmentEntry[];
}

export interface EnvlogHead {
  /** Digest of the manifest `envlog-<name>` points at. */
  digest: string;
  log: Envlog;
}

const PREVIOUS_ANNOTATION = 'dev.modelos.envlog.previous';

/** `envlog-<name>`; the name follows the rule of `env-<name>`. */
export function envlogTag(environment: string): string {
  environmentTag(environment);
  return ENVLOG_PREFIX + environment;
}

/** The environment's history as the registry holds it now; null when it has none. */
export async function readEnvlog(repo: Repository, environment: string): Promise<EnvlogHead | null> {
  const tag = envlogTag(environment);
  const fetched = await repo.fetchManifest(tag);
  if (!fetched) return null;
  const what = `${repo.reference}:${tag}`;
  const manifest = parseManifest(fetched.bytes, what);
  if (manifest.artifactType !== MediaTypes.envlogArtifact || manifest.config.mediaType !== MediaTypes.envlogConfig) {
    throw new UserError(`${what} is not an environment history: its artifactType is ${manifest.artifactType ?? 'missing'}, expected ${MediaTypes.envlogArtifact}`);
  }
  return { digest: fetched.descriptor.digest, log: parseEnvlog(await repo.fetchBlob(manifest.config.digest), what) };
}

/** Pushes `log` as the new `envlog-<name>` (config first, so the tag never points at a missing blob). */
export async function pushEnvlog(repo: Repository, log: Envlog): Promise<Descriptor> {
  const config = Buffer.from(canonicalJson(log));
  const configDescriptor: Descriptor = { mediaType: MediaTypes.envlogConfig, digest: digestOf(config), size: config.length };
  await repo.pushBlob(configDescriptor, () => Readable.from([config]));
  await repo.pushBlob(EmptyJson.descriptor, () => Readable.from([EmptyJson.bytes]));
  const last = log.entries[log.entries.length - 1];
  const manifest = serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: MediaTypes.envlogArtifact,
    config: configDescriptor,
    layers: [EmptyJson.descriptor],
    annotations: {
      [Annotations.created]: last.time,
      [Annotations.title]: `${log.resource} ${log.environment}`,
      ...(last.previous ? { [PREVIOUS_ANNOTATION]: last.previous } : {}),
    },
  });
  return repo.pushManifest(manifest, MediaTypes.imageManifest, envlogTag(log.environment));
}

/** The last entry: the environment's current assignment. */
export function currentEntry(log: Envlog): EnvironmentEntry {
  return log.entries[log.entries.length - 1];
}

function parseEnvlog(bytes: Buffer, what: string): Envlog {
  let log: Partial<Envlog> | null;
  try {
    log = JSON.parse(bytes.toString('utf8')) as Partial<Envlog> | null;
  } catch {
    throw new UserError(`the history in ${what} is not valid JSON`);
  }
  if (!log || log.formatVersion !== 1 || !Array.isArray(log.entries) || log.entries.length === 0 || !log.entries.every(isEntry)) {
    throw new UserError(`the history in ${what} is not an envlog of format 1 with at least one entry`);
  }
  return log as Envlog;
}

function isEntry(value: unknown): value is EnvironmentEntry {
  const entry = value as EnvironmentEntry | null;
  return (
    !!entry &&
    Number.isSafeInteger(entry.n) &&
    Number.isSafeInteger(entry.replicas) &&
    typeof entry.writer === 'string' &&
    Array.isArray(entry.targets) &&
    entry.targets.length > 0 &&
    entry.targets.every((t) => typeof t?.version === 'string' && typeof t.weight === 'number' && t.weight > 0 && typeof t.digest === 'string')
  );
}
