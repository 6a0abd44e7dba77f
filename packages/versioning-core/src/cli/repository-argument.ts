import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { parseRegistryReference, type RegistryReference } from '../oci';

export interface RepositoryArgument {
  registry: RegistryReference;
  name: string;
}

/**
 * `mdl versions <repo>`: `oci://host[:port]/ns/ham`, `host[:port]/ns/ham`, or the path of an
 * OCI image layout (`.modelos/registry/ham`). The last segment is the resource.
 */
export function parseRepositoryArgument(arg: string, cwd: string): RepositoryArgument {
  const trimmed = arg.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) {
    throw new UserError(
      `repository "${arg}" has no resource name: expected oci://host[:port]/<namespace>/<resource>, host[:port]/<namespace>/<resource> or <layout-dir>/<resource>`,
    );
  }
  const registryPart = trimmed.slice(0, slash);
  const name = trimmed.slice(slash + 1);
  const remote = trimmed.startsWith('oci://') || (!isLocalPath(trimmed, cwd) && looksLikeHost(trimmed.split('/')[0]));
  const registry = remote && !registryPart.startsWith('oci://') ? `oci://${registryPart}` : registryPart;
  return { registry: parseRegistryReference(registry, cwd), name };
}

function isLocalPath(arg: string, cwd: string): boolean {
  return arg.startsWith('.') || arg.startsWith('/') || arg.startsWith('file:') || fs.existsSync(path.resolve(cwd, arg));
}

function looksLikeHost(segment: string): boolean {
  return segment === 'localhost' || segment.includes('.') || segment.includes(':') || segment.startsWith('[');
}
