import { Readable } from 'node:stream';
import { Annotations } from '../artifact/annotations';
import { deterministicTarGz } from '../artifact/layer';
import { PACKAGE_CONFIG_MEDIA_TYPE, type PackageConfig } from '../install/pull-package';
import { digestOf, MediaTypes, serializeManifest, type Repository } from '../oci';
import { parseVersion } from '../tags';

export interface TestPackage {
  /** npm name, e.g. `@ml-project/ham-client`. */
  name: string;
  version: string;
  resource: string;
  kind: 'server' | 'client';
  /** Files of the package, by path inside `package/`; package.json is added unless given. */
  files: Record<string, string>;
  /** Tags to push; default `pkg-v<version>` or `client-v<version>` and `client-v<MAJOR>`. */
  tags?: string[];
}

export interface PublishedTestPackage {
  tarball: Buffer;
  digest: string;
  manifestDigest: string;
}

/**
 * Publishes a hand-made package artifact in the format of SPEC §8 (config blob plus one npm
 * tarball layer): a real artifact in a real registry, for tests of what consumes packages.
 */
export async function publishTestPackage(repo: Repository, pkg: TestPackage): Promise<PublishedTestPackage> {
  const files = { 'package.json': JSON.stringify({ name: pkg.name, version: pkg.version, main: 'index.js' }), ...pkg.files };
  const entries = Object.entries(files).map(([file, text]) => {
    const content = Buffer.from(text);
    return { path: `package/${file}`, size: content.length, mode: 0o644, content };
  });
  const tarball = await bytesOf(deterministicTarGz(entries, { mtime: new Date(0), level: 1 }));
  const config: PackageConfig = { name: pkg.name, version: pkg.version, resource: pkg.resource, kind: pkg.kind, clientHash: 'f'.repeat(64), interface: {} };
  const configBytes = Buffer.from(JSON.stringify(config));
  const layer = {
    mediaType: MediaTypes.layerTarGzip,
    digest: digestOf(tarball),
    size: tarball.length,
    annotations: { [Annotations.title]: `${pkg.name.replace(/^@[^/]+\//, '')}-${pkg.version}.tgz` },
  };
  const configDescriptor = { mediaType: PACKAGE_CONFIG_MEDIA_TYPE, digest: digestOf(configBytes), size: configBytes.length };
  await repo.pushBlob(layer, () => Readable.from([tarball]));
  await repo.pushBlob(configDescriptor, () => Readable.from([configBytes]));
  const manifest = serializeManifest({
    schemaVersion: 2,
    mediaType: MediaTypes.imageManifest,
    artifactType: pkg.kind === 'server' ? MediaTypes.pkgArtifact : MediaTypes.clientArtifact,
    config: configDescriptor,
    layers: [layer],
  });
  const major = parseVersion(pkg.version).major;
  const tags = pkg.tags ?? (pkg.kind === 'server' ? [`pkg-v${pkg.version}`] : [`client-v${pkg.version}`, `client-v${major}`]);
  let manifestDigest = '';
  for (const tag of tags) manifestDigest = (await repo.pushManifest(manifest, MediaTypes.imageManifest, tag)).digest;
  return { tarball, digest: layer.digest, manifestDigest };
}

/**
 * `server.js` of a test server package: `--port`/`--host` as the real one, the listening line,
 * `GET /` with resource and version, `GET /env/<NAME>` to read its environment.
 */
export function testServerJs(resource: string, version: string): string {
  return `const http = require('node:http');
const arg = (name) => process.argv[process.argv.indexOf('--' + name) + 1];
const server = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url.startsWith('/env/')) return res.end(JSON.stringify(process.env[req.url.slice(5)] ?? null));
  res.end(JSON.stringify({ resource: ${JSON.stringify(resource)}, version: ${JSON.stringify(version)}, clientHash: '${'f'.repeat(64)}', interface: {} }));
});
server.listen(Number(arg('port')), arg('host'), () => {
  console.log('listening on http://' + arg('host') + ':' + server.address().port);
});
`;
}

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
