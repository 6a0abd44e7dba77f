import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MANIFEST_ACCEPT = 'application/vnd.oci.image.manifest.v1+json';

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface CopiedManifest {
  config: OciDescriptor;
  layers: OciDescriptor[];
}

/**
 * Copies `<repository>:<tag>` of a plain-HTTP registry into an OCI image layout at
 * `<layoutDir>/<resource>`, byte for byte, with nothing but HTTP: a second registry that tests
 * can tamper with.
 */
export async function copyTagToLayout(registryHost: string, repository: string, tag: string, layoutDir: string): Promise<CopiedManifest> {
  const base = `http://${registryHost}/v2/${repository}`;
  const dir = join(layoutDir, repository.split('/').pop()!);
  mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
  const response = await fetch(`${base}/manifests/${tag}`, { headers: { accept: MANIFEST_ACCEPT } });
  if (!response.ok) throw new Error(`GET ${base}/manifests/${tag} answered ${response.status}`);
  const manifestBytes = Buffer.from(await response.arrayBuffer());
  const manifestDigest = response.headers.get('docker-content-digest')!;
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as CopiedManifest;
  for (const blob of [manifest.config, ...manifest.layers]) {
    const bytes = Buffer.from(await (await fetch(`${base}/blobs/${blob.digest}`)).arrayBuffer());
    writeFileSync(blobPath(dir, blob.digest), bytes);
  }
  writeFileSync(blobPath(dir, manifestDigest), manifestBytes);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const entry = { mediaType: MANIFEST_ACCEPT, digest: manifestDigest, size: manifestBytes.length, annotations: { 'org.opencontainers.image.ref.name': tag } };
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
  return manifest;
}

/** Where a blob of the layout at `dir` (a resource's directory) is stored. */
export function blobPath(dir: string, digest: string): string {
  return join(dir, 'blobs/sha256', digest.replace(/^sha256:/, ''));
}
