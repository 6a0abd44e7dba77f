import { parseRegistryReference, type RegistryReference } from '../oci';

/**
 * A registry as people type it on a command line: `oci://host[:port]/ns`, `host[:port]/ns`
 * (remote: the scheme is implied by a host-like first segment, by the same rule that makes
 * `--registry ghcr.io/acme` an error) or the path of an image layout.
 */
export function parseRegistryArgument(text: string, cwd: string): RegistryReference {
  return parseRegistryReference(text, cwd, { schemelessHost: 'remote' });
}
