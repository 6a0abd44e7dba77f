import { UserError } from '../errors';
import { redactCredentials, type RegistryReference } from '../oci';
import { clientMajorTag, clientPackageTag, parseVersion, serverPackageTag, VERSION_RULE, type Version } from '../tags';
import { parseRegistryArgument } from './registry-argument';

import type { PackageKind } from '@modelos/runtime';

/** `acme.org/ml-project:ham-client-v1`, parsed: the registry, the resource and the tag to pull. */
export interface PackageRef {
  registry: RegistryReference;
  resource: string;
  kind: PackageKind;
  /** `client-v1`, `client-v1.2.1` or `pkg-v1.2.1`. */
  tag: string;
  /** The version the tag names; undefined for the floating `client-v<MAJOR>`. */
  version?: Version;
  /** The major of the floating `client-v<MAJOR>`. */
  major?: number;
}

const FORMS =
  'expected <registry>:<resource>-client-v<MAJOR>, <registry>:<resource>-client-v<version> or <registry>:<resource>-pkg-v<version>, ' +
  'where <registry> is host[:port]/<namespace>, oci://host[:port]/<namespace> or a layout directory (e.g. acme.org/ml-project:ham-client-v1)';

// The colon that splits registry from tag is the last one followed by `<resource>-(client|pkg)-v…`,
// so `127.0.0.1:5000/ns:ham-pkg-v1.2.1` keeps its port; a resource name is a repository component.
const REF = /^(.+):([a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)-(client|pkg)-v([^:/]+)$/;
const MAJOR = /^(0|[1-9][0-9]*)$/;

/** Parses the SPEC §5 package reference of `mdl install` and `mdl serve`; relative layout paths resolve against `cwd`. */
export function parsePackageRef(ref: string, cwd: string): PackageRef {
  const match = REF.exec(ref.trim());
  if (!match) throw new UserError(`invalid package reference "${redactCredentials(ref.trim())}": ${FORMS}`);
  const [, registryPart, resource, kindWord, versionPart] = match;
  const kind: PackageKind = kindWord === 'client' ? 'client' : 'server';
  const registry = parseRegistryArgument(registryPart, cwd);
  if (kind === 'client' && MAJOR.test(versionPart)) return { registry, resource, kind, tag: clientMajorTag(Number(versionPart)), major: Number(versionPart) };
  const version = parseRefVersion(ref, kind, versionPart);
  return { registry, resource, kind, tag: kind === 'client' ? clientPackageTag(version) : serverPackageTag(version), version };
}

function parseRefVersion(ref: string, kind: PackageKind, versionPart: string): Version {
  try {
    return parseVersion(versionPart);
  } catch {
    const allowed = kind === 'client' ? `v<MAJOR> or a version, ${VERSION_RULE}` : VERSION_RULE;
    throw new UserError(`invalid version "v${versionPart}" in package reference "${ref}": ${allowed}`);
  }
}
