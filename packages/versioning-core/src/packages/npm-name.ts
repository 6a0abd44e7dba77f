import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';

/** npm's rule for a scope and a bare package name: lowercase, URL-safe, no leading `.` or `_`. */
const NAME_PART = /^[a-z0-9-~][a-z0-9-._~]*$/;
const MAX_NAME_LENGTH = 214;

/**
 * The npm scope of a workspace's packages: the scope of the root package.json's name
 * (`@proj/source` → `proj`), the whole name when unscoped, else the directory's name, as
 * `npm init` would name it.
 */
export function defaultNpmScope(workspaceRoot: string): string {
  const name = rootPackageName(workspaceRoot);
  const scope = name ? /^@([^/]+)\//.exec(name)?.[1] ?? name : path.basename(path.resolve(workspaceRoot));
  return scope.toLowerCase().replace(/[^a-z0-9-._~]+/g, '-').replace(/^[._]+/, '');
}

/** The scope of a resource's packages: `npmScope` (`acme`, or `@acme` as npm writes it), else the workspace's. */
export function npmScopeOf(workspaceRoot: string, npmScope: string | undefined): string {
  return npmScope === undefined ? defaultNpmScope(workspaceRoot) : npmScope.replace(/^@/, '');
}

function rootPackageName(workspaceRoot: string): string | undefined {
  const name = readWorkspaceManifest(workspaceRoot)?.name;
  return typeof name === 'string' && name ? name : undefined;
}

export interface WorkspaceManifest {
  name?: unknown;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** The workspace root package.json; undefined when there is none. */
export function readWorkspaceManifest(workspaceRoot: string): WorkspaceManifest | undefined {
  const file = path.join(workspaceRoot, 'package.json');
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkspaceManifest;
  } catch (err) {
    throw new UserError(`${file} is not valid JSON (${(err as Error).message})`);
  }
}

export interface PackageNames {
  /** `@ml-project/ham` */
  server: string;
  /** `@ml-project/ham-client` */
  client: string;
}

/** npm names of a resource's packages; a `/` in the resource name becomes `-`. */
export function packageNames(scope: string, resource: string): PackageNames {
  const base = resource.replaceAll('/', '-');
  const names = { server: `@${scope}/${base}`, client: `@${scope}/${base}-client` };
  for (const part of [scope, base]) {
    if (!NAME_PART.test(part) || names.client.length > MAX_NAME_LENGTH) {
      throw new UserError(
        `cannot name the npm packages of ${resource} "${names.server}": scope and name must be lowercase [a-z0-9-._~], not starting with "." or "_", at most ${MAX_NAME_LENGTH} characters (set npmScope)`,
      );
    }
  }
  return names;
}

/** The file name npm gives a package's tarball: `ham-1.2.1.tgz` for `@ml-project/ham` 1.2.1. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@[^/]+\//, '')}-${version}.tgz`;
}
