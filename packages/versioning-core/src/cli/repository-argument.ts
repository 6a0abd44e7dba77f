import { UserError } from '../errors';
import { parseRegistryArgument } from '../install/registry-argument';
import { redactCredentials, type RegistryReference } from '../oci';

export interface RepositoryArgument {
  registry: RegistryReference;
  name: string;
}

/**
 * `mdl versions <repo>`: `oci://host[:port]/ns/ham`, `host[:port]/ns/ham`, or the path of an
 * OCI image layout (`.modelos/registry/ham`). The last segment is the resource.
 */
export function parseRepositoryArgument(arg: string, cwd: string): RepositoryArgument {
  // `?insecure=true` belongs to the registry, not to the resource's name.
  const [location, query] = splitQuery(arg);
  const trimmed = location.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) {
    throw new UserError(
      `repository "${redactCredentials(arg)}" has no resource name: expected oci://host[:port]/<namespace>/<resource>, host[:port]/<namespace>/<resource> or <layout-dir>/<resource>`,
    );
  }
  return { registry: parseRegistryArgument(trimmed.slice(0, slash) + query, cwd), name: trimmed.slice(slash + 1) };
}

/** The one `<repo>` of `mdl <command> <repo>`. */
export function oneRepositoryArgument(command: string, positionals: string[]): string {
  if (positionals.length !== 1) {
    throw new UserError(`${command} takes one repository argument: oci://host[:port]/<namespace>/<resource> or a layout path (see mdl help ${command})`);
  }
  return positionals[0];
}

function splitQuery(arg: string): [string, string] {
  const at = arg.indexOf('?');
  return at < 0 ? [arg, ''] : [arg.slice(0, at), arg.slice(at)];
}

export interface RepositoryTagArgument extends RepositoryArgument {
  tag: string;
}

/** `mdl describe <repo>:<tag>[?insecure=true]`: the tag follows the last `:` after the last `/`. */
export function parseRepositoryTagArgument(arg: string, cwd: string): RepositoryTagArgument {
  const [location, query] = splitQuery(arg);
  const colon = location.lastIndexOf(':');
  if (colon <= location.lastIndexOf('/') || colon === location.length - 1) {
    throw new UserError(
      `"${redactCredentials(arg)}" names no tag: expected <repo>:<tag>, e.g. oci://127.0.0.1:5000/ml-project/ham:v1.1.0 or .modelos/registry/ham:latest`,
    );
  }
  return { ...parseRepositoryArgument(location.slice(0, colon) + query, cwd), tag: location.slice(colon + 1) };
}
