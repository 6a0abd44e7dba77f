import { canonicalJson } from '../canonical-json';
import type { InterfaceDescriptor } from '../interface';
import { Annotations, digestOf, MediaTypes, serializeManifest, type Descriptor } from '../oci';
import type { PackageConfig, PackageKind } from '@modelos/runtime';
import { tarballName } from './npm-name';

/** A package ready to push: blobs and the manifest that references them. */
export interface BuiltPackage {
  kind: PackageKind;
  /** `pkg-v1.2.1` or `client-v1.2.1`. */
  tag: string;
  name: string;
  tarball: { bytes: Buffer; descriptor: Descriptor };
  config: { bytes: Buffer; descriptor: Descriptor };
  manifest: Buffer;
}

export interface PackageArtifactInput {
  kind: PackageKind;
  tag: string;
  name: string;
  /** Without `v`. */
  version: string;
  resource: string;
  clientHash: string;
  interface: InterfaceDescriptor;
  tarball: Buffer;
  /** created, revision, source and version of the release this package belongs to. */
  releaseAnnotations: Record<string, string>;
}

const RELEASE_ANNOTATIONS = [Annotations.created, Annotations.revision, Annotations.source, Annotations.version];

/**
 * An OCI image manifest (`application/vnd.modelos.pkg.v1` or `.client.v1`) with the package's
 * config and one layer, the npm tarball. Same release, same bytes.
 */
export function packageArtifact(input: PackageArtifactInput): BuiltPackage {
  const config: PackageConfig = {
    name: input.name,
    version: input.version,
    resource: input.resource,
    kind: input.kind,
    clientHash: input.clientHash,
    interface: input.interface,
  };
  const configBytes = Buffer.from(canonicalJson(config));
  const configDescriptor = { mediaType: MediaTypes.packageConfig, digest: digestOf(configBytes), size: configBytes.length };
  const tarball: Descriptor = {
    mediaType: MediaTypes.layerTarGzip,
    digest: digestOf(input.tarball),
    size: input.tarball.length,
    annotations: { [Annotations.title]: tarballName(input.name, input.version) },
  };
  const inherited = Object.fromEntries(RELEASE_ANNOTATIONS.filter((key) => input.releaseAnnotations[key] !== undefined).map((key) => [key, input.releaseAnnotations[key]]));
  const manifest = serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: input.kind === 'server' ? MediaTypes.pkgArtifact : MediaTypes.clientArtifact,
    config: configDescriptor,
    layers: [tarball],
    annotations: {
      ...inherited,
      [Annotations.title]: input.resource,
      [Annotations.kind]: input.kind === 'server' ? 'server-package' : 'client-package',
      [Annotations.clientHash]: input.clientHash,
    },
  });
  return { kind: input.kind, tag: input.tag, name: input.name, tarball: { bytes: input.tarball, descriptor: tarball }, config: { bytes: configBytes, descriptor: configDescriptor }, manifest };
}
