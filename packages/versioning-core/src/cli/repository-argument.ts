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
