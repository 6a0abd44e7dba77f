import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { UserError } from '../../errors';
import { digestOf, EmptyJson, MANIFEST_SIZE_LIMIT, MediaTypes, serializeManifest } from '../content';
import { untag } from '../repository';
import { defaultRetryPolicy } from '../retry/policy';
import { RemoteRepository } from './repository';

jest.setTimeout(60_000);

const registryHost = process.env.MODELOS_TEST_REGISTRY!;
const noSleep = { ...defaultRetryPolicy, sleep: async () => undefined };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('remote repository errors', () => {
  it('says a registry is not reachable when the connection is refused', async () => {
    const port = await freePort();
    const repo = new RemoteRepository({ host: `127.0.0.1:${port}`, plainHttp: true, name: 'ns/ham', retryPolicy: noSleep });
    await expect(repo.listTags()).rejects.toThrow(UserError);
    await expect(repo.listTags()).rejects.toThrow(`registry 127.0.0.1:${port} is not reachable (connect ECONNREFUSED)`);
  });

  it('gives up on a registry that never answers after one more try, and says so', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket)).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const host = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const repo = new RemoteRepository({ host, plainHttp: true, name: 'ns/ham', retryPolicy: noSleep, idleTimeoutMs: 100 });
    await expect(repo.resolve('v1.0.0')).rejects.toThrow(`registry ${host} did not answer (no answer for 100 ms, 2 tries): check that it is up, then run the command again`);
    expect(repo.counters.requests).toBe(2);
    sockets.forEach((socket) => socket.destroy());
    silent.close();
  });

  it("includes the registry's error code and message", async () => {
    const repo = new RemoteRepository({ host: registryHost, plainHttp: true, name: 'oci-spec/errors' });
    const missing = { mediaType: MediaTypes.layerTarGzip, digest: digestOf(Buffer.from('never pushed')), size: 12 };
    const manifest = serializeManifest({ schemaVersion: 2, mediaType: MediaTypes.imageManifest, config: EmptyJson.descriptor, layers: [missing] });
    await expect(repo.pushManifest(manifest, MediaTypes.imageManifest, 'v1')).rejects.toThrow(
      `cannot push manifest v1 in ${registryHost}/oci-spec/errors: registry ${registryHost} answered 400 MANIFEST_BLOB_UNKNOWN: blob unknown to registry`,
    );
  });
});

describe('a registry answering a manifest above 4 MiB', () => {
  const oversized = Buffer.alloc(MANIFEST_SIZE_LIMIT + 1, ' ');
  let server: http.Server;
  let host: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.setHeader('content-type', MediaTypes.imageManifest);
      // `declared` says its length up front; `chunked` does not, and is cut off as it comes.
      res.on('error', () => undefined);
      if (req.url?.endsWith('/manifests/declared')) {
        res.setHeader('content-length', oversized.length);
        res.end(oversized);
      } else {
        res.write(oversized.subarray(0, 1024));
        res.end(oversized.subarray(1024));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('refuses a declared length unread and an undeclared one at the limit, with one line each', async () => {
    const repo = new RemoteRepository({ host, plainHttp: true, name: 'ns/ham', retryPolicy: noSleep });
    await expect(repo.fetchManifest('declared')).rejects.toThrow(
      new UserError(`manifest declared from ${host}/ns/ham is ${MANIFEST_SIZE_LIMIT + 1} bytes, above the 4 MiB an OCI manifest may have: refused`),
    );
    await expect(repo.fetchManifest('chunked')).rejects.toThrow(
      new UserError(`manifest chunked from ${host}/ns/ham is more than 4 MiB, above the 4 MiB an OCI manifest may have: refused`),
    );
    await expect(repo.resolve('declared')).rejects.toThrow(/above the 4 MiB an OCI manifest may have/);
  });
});

describe('a registry answering with a redirect or a token realm that is no http(s) URL', () => {
  let server: http.Server;
  let host: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const ref = req.url!.split('/').pop();
      if (ref === 'realm') res.writeHead(401, { 'www-authenticate': 'Bearer realm="ftp://auth.invalid/token",service="x"' });
      else res.writeHead(302, { location: ref === 'unparsable' ? 'http://[bad' : 'ftp://files.invalid/manifest' });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ['unparsable', () => `${host} redirected /v2/ns/ham/manifests/unparsable to a location that is no URL`],
    ['ftp', () => 'cannot follow ftp://files.invalid/manifest: registries are reached over http and https only'],
    ['realm', () => `registry ${host} sent a Bearer challenge without a valid realm URL (an http or https URL)`],
  ])('%s: one line, no crash', async (ref, message) => {
    const repo = new RemoteRepository({ host, plainHttp: true, name: 'ns/ham', retryPolicy: noSleep, env: {} });
    const error = await repo.fetchManifest(ref).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(message());
  });
});

describe('a registry that forbids what it is asked (403)', () => {
  it('says the credentials lack the permission, not that they were rejected', async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
      const env = { MODELOS_REGISTRY_USERNAME: 'dave', MODELOS_REGISTRY_PASSWORD: 'pw', DOCKER_CONFIG: fs.mkdtempSync(path.join(os.tmpdir(), 'docker-')) };
      const repo = new RemoteRepository({ host, plainHttp: true, name: 'ns/ham', retryPolicy: noSleep, env });
      const error = await repo.listTags().then(
        () => new Error('not refused'),
        (caught: unknown) => caught as Error,
      );
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toBe(
        `registry ${host} denied user "dave" (from env MODELOS_REGISTRY_USERNAME) to list tags in ${host}/ns/ham (403 DENIED: requested access to the resource is denied): ask for that permission on the repository, or use credentials that have it`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('a registry with deletion disabled', () => {
  let child: ChildProcess;
  let dir: string;
  let host: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-nodelete-'));
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    const config = ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${dir}/data`, 'http:', `  addr: ${host}`];
    fs.writeFileSync(path.join(dir, 'config.yml'), config.join('\n'));
    child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
    for (let ready = false; !ready; ) {
      ready = await new Promise<boolean>((resolve) =>
        http.get(`http://${host}/v2/`, (res) => resolve(res.resume().statusCode === 200)).on('error', () => setTimeout(() => resolve(false), 50)),
      );
    }
  });
  afterAll(() => {
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function pushTagged(name: string, tag: string) {
    const repo = new RemoteRepository({ host, plainHttp: true, name });
    await repo.pushBlob(EmptyJson.descriptor, () => Readable.from([EmptyJson.bytes]));
    const manifest = serializeManifest({ schemaVersion: 2, mediaType: MediaTypes.imageManifest, config: EmptyJson.descriptor, layers: [] });
    return { repo, digest: (await repo.pushManifest(manifest, MediaTypes.imageManifest, tag)).digest };
  }

  it('refuses deleteManifest with a clear UserError (405 UNSUPPORTED)', async () => {
    const { repo, digest } = await pushTagged('ns/ham', 'v1');
    await expect(repo.deleteManifest(digest)).rejects.toThrow(UserError);
    await expect(repo.deleteManifest(digest)).rejects.toThrow(
      `registry ${host} does not allow deleting manifests (405 UNSUPPORTED: The operation is unsupported.); enable deletion on the registry (distribution: storage.delete.enabled: true)`,
    );
    expect((await repo.resolve('v1'))?.digest).toBe(digest);
  });

  it('leaves the tag where it was when untag cannot delete its placeholder', async () => {
    const { repo, digest } = await pushTagged('ns/spam', 'v2');
    await expect(untag(repo, 'v2')).rejects.toThrow(/does not allow deleting manifests/);
    expect((await repo.resolve('v2'))?.digest).toBe(digest);
  });
});
