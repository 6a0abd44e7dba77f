import { UserError } from '../errors';
import { parseRegistryArgument } from '../install/registry-argument';
import type { RegistryReference } from '../oci';

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
  return { registry: parseRegistryArgument(trimmed.slice(0, slash), cwd), name: trimmed.slice(slash + 1) };
}

export interface RepositoryTagArgument extends RepositoryArgument {
  tag: string;
}

/** `mdl describe <repo>:<tag>`: the tag follows the last `:` after the last `/`. */
export function parseRepositoryTagArgument(arg: string, cwd: string): RepositoryTagArgument {
  const colon = arg.lastIndexOf(':');
  if (colon <= arg.lastIndexOf('/') || colon === arg.length - 1) {
    throw new UserError(`"${arg}" names no tag: expected <repo>:<tag>, e.g. oci://127.0.0.1:5000/ml-project/ham:v1.1.0 or .modelos/registry/ham:latest`);
  }
  return { ...parseRepositoryArgument(arg.slice(0, colon), cwd), tag: arg.slice(colon + 1) };
}
