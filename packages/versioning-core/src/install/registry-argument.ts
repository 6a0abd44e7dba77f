import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRegistryReference, type RegistryReference } from '../oci';

/**
 * A registry as people type it on a command line: `oci://host[:port]/ns`, `host[:port]/ns`
 * (remote, the scheme implied by a host-like first segment) or the path of an image layout.
 */
export function parseRegistryArgument(text: string, cwd: string): RegistryReference {
  const implicitRemote = !/^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !isLocalPath(text, cwd) && looksLikeHost(text.split('/')[0]);
  return parseRegistryReference(implicitRemote ? `oci://${text}` : text, cwd);
}

function isLocalPath(text: string, cwd: string): boolean {
  return text.startsWith('.') || text.startsWith('/') || text.startsWith('file:') || fs.existsSync(path.resolve(cwd, text));
}

function looksLikeHost(segment: string): boolean {
  return segment === 'localhost' || segment.includes('.') || segment.includes(':') || segment.startsWith('[');
}
