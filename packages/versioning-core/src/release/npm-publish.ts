import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolvePackage, runNpm, type PackageKind } from '@modelos/runtime';
import { UserError } from '../errors';
import type { Repository } from '../oci';
import { clientPackageTag, formatVersion, serverPackageTag, type Version } from '../tags';

export interface NpmPublishInput {
  /** npm runs here: the workspace's .npmrc (and the user's) give the registry and its credentials. */
  workspaceRoot: string;
  /** npm registry URL; default: what npm's configuration says for the package's scope. */
  npmRegistry?: string;
  env?: NodeJS.ProcessEnv;
}

export interface NpmPublished {
  /** `@ml-project/ham-client@1.4.2` */
  package: string;
  /** False when that version was already there with the same bytes. */
  published: boolean;
  distTag: string;
}

/**
 * SPEC §11: publishes the release's server and client packages to an npm registry, the very
 * tarballs its `pkg-v<version>` and `client-v<version>` artifacts hold (verified by digest), so
 * npm and the OCI registry serve the same bytes. A version npm already has is a no-op when its
 * integrity matches and an error when it does not: npm versions are immutable too.
 *
 * Through the npm CLI rather than the registry API: npm reads the user's and the workspace's
 * .npmrc (per-registry tokens, `${ENV}` interpolation, scoped registries, certificates, proxies,
 * OTP), which is the configuration the user already has for publishing.
 */
export async function publishToNpm(repo: Repository, resource: string, version: Version, distTag: string, input: NpmPublishInput): Promise<NpmPublished[]> {
  const published: NpmPublished[] = [];
  for (const [kind, tag] of [['server', serverPackageTag(version)], ['client', clientPackageTag(version)]] as Array<[PackageKind, string]>) {
    const artifact = await resolvePackage(repo, resource, tag, kind);
    const bytes = await repo.fetchBlob(artifact.tarball.digest);
    const spec = `${artifact.config.name}@${formatVersion(version)}`;
    published.push({ package: spec, distTag, published: await publishTarball(spec, bytes, distTag, input) });
  }
  return published;
}

/**
 * The dist-tag of a release on npm: `latest` for the newest stable version only; an older major's
 * stable `latest-<major>`; prereleases and branch releases `next` (npm needs a tag, and must not
 * move `latest` to a preview).
 */
export function npmDistTag(version: Version, newestStable: boolean): string {
  if (version.prerelease.length > 0) return 'next';
  return newestStable ? 'latest' : `latest-${version.major}`;
}

async function publishTarball(spec: string, bytes: Buffer, distTag: string, input: NpmPublishInput): Promise<boolean> {
  const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
  if (await sameOnNpm(spec, integrity, input)) return false;
  const file = path.join(os.tmpdir(), `modelos-publish-${randomUUID()}.tgz`);
  fs.writeFileSync(file, bytes);
  try {
    await npm(['publish', file, '--tag', distTag, '--ignore-scripts'], input, `publishing ${spec}`);
  } catch (err) {
    // A concurrent release of the same commit may have published these very bytes first.
    if (await sameOnNpm(spec, integrity, input)) return false;
    throw err;
  } finally {
    fs.rmSync(file, { force: true });
  }
  return true;
}

/** Whether npm has `spec` with these bytes; other bytes under that version are refused. */
async function sameOnNpm(spec: string, integrity: string, input: NpmPublishInput): Promise<boolean> {
  const present = await publishedIntegrity(spec, input);
  if (present === null || present === integrity) return present !== null;
  throw new UserError(
    `${spec} is already on the npm registry with other content (integrity ${present.slice(0, 19)}…, this release's ${integrity.slice(0, 19)}…): npm versions are immutable; release a new version`,
  );
}

async function publishedIntegrity(spec: string, input: NpmPublishInput): Promise<string | null> {
  let out: string;
  try {
    out = await npm(['view', spec, 'dist.integrity', '--json'], input, `looking up ${spec}`);
  } catch (err) {
    // An unknown package is a 404; anything else (no network, refused credentials) is a real failure.
    if (err instanceof UserError && /\bE404\b|404 Not Found/.test(err.message)) return null;
    throw err;
  }
  // npm prints nothing for a known package without that version.
  return out.trim() ? (JSON.parse(out) as string) : null;
}

function npm(args: string[], input: NpmPublishInput, what: string): Promise<string> {
  const registry = input.npmRegistry ? ['--registry', input.npmRegistry] : [];
  return runNpm([...args, ...registry], { cwd: input.workspaceRoot, env: input.env ?? process.env, what });
}
