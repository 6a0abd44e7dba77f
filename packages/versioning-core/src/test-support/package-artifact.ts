import { Readable } from 'node:stream';
import type { InterfaceDescriptor } from '../interface';
import { MediaTypes, type Repository } from '../oci';
import { npmTarball, packageArtifact } from '../packages';
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
  /** Layer bytes to publish instead of the tarball of `files` (a broken package). */
  tarball?: Buffer;
}

export interface PublishedTestPackage {
  tarball: Buffer;
  digest: string;
  manifestDigest: string;
}

/**
 * Publishes a hand-made package (its files given, not built from a resource) as the artifact a
 * release publishes: a real artifact in a real registry, for tests of what consumes packages.
 */
export async function publishTestPackage(repo: Repository, pkg: TestPackage): Promise<PublishedTestPackage> {
  const files = { 'package.json': JSON.stringify({ name: pkg.name, version: pkg.version, main: 'index.js' }), ...pkg.files };
  const tarball = pkg.tarball ?? (await npmTarball(Object.entries(files).map(([file, text]) => ({ path: file, content: Buffer.from(text) }))));
  const major = parseVersion(pkg.version).major;
  const tags = pkg.tags ?? (pkg.kind === 'server' ? [`pkg-v${pkg.version}`] : [`client-v${pkg.version}`, `client-v${major}`]);
  const built = packageArtifact({
    kind: pkg.kind,
    tag: tags[0],
    name: pkg.name,
    version: pkg.version,
    resource: pkg.resource,
    clientHash: 'f'.repeat(64),
    interface: {} as InterfaceDescriptor,
    tarball,
    releaseAnnotations: {},
  });
  for (const blob of [built.tarball, built.config]) await repo.pushBlob(blob.descriptor, () => Readable.from([blob.bytes]));
  let manifestDigest = '';
  for (const tag of tags) manifestDigest = (await repo.pushManifest(built.manifest, MediaTypes.imageManifest, tag)).digest;
  return { tarball, digest: built.tarball.descriptor.digest, manifestDigest };
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
