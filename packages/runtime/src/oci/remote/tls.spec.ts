// A docker-registry that speaks HTTPS only, with a certificate from a private CA (openssl), and
// an HTTP CONNECT proxy on loopback: choosing TLS for a loopback host, trusting the CA the ways
// docker users do, errors that name the fix, and HTTPS_PROXY/NO_PROXY.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../../errors';
import { openRepository } from '../repository';
import { parseRegistryReference } from '../reference';
import { pushTinyArtifact } from '../../../../versioning-core/src/test-support/tiny-artifact';
import { makeTestCa, type TestCa } from '../../../../versioning-core/src/test-support/tls-certs';
import { startConnectProxy } from '../../../../versioning-core/src/test-support/connect-proxy';

const { startRegistry } = require('../../../../../tools/registry') as {
  startRegistry(options: object): Promise<{ host: string; dataDir: string; stop(): Promise<void> }>;
};

jest.setTimeout(60_000);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let dir: string;
let ca: TestCa;
let registry: { host: string; dataDir: string; stop(): Promise<void> };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oci-tls-'));
  ca = makeTestCa(dir);
  registry = await startRegistry({ tls: { certificate: ca.certFile, key: ca.keyFile } });
});
afterAll(async () => {
  await registry?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  if (registry) fs.rmSync(registry.dataDir, { recursive: true, force: true });
});

let counter = 0;
const open = (reference: string, env: NodeJS.ProcessEnv) => openRepository(parseRegistryReference(reference, dir), `ham${counter++}`, { env });
const noDockerConfig = () => ({ DOCKER_CONFIG: fs.mkdtempSync(path.join(dir, 'docker-')) });

/** A docker config dir whose certs.d trusts the test CA for the registry's host:port. */
function certsD(): { DOCKER_CONFIG: string } {
  const env = noDockerConfig();
  const hostDir = path.join(env.DOCKER_CONFIG, 'certs.d', registry.host);
  fs.mkdirSync(hostDir, { recursive: true });
  fs.copyFileSync(ca.caFile, path.join(hostDir, 'ca.crt'));
  return env;
}

describe('TLS on a loopback host (finding: TLS cannot be chosen)', () => {
  it('says the registry speaks HTTPS when reached over plain HTTP, and how to ask for TLS', async () => {
    await expect(open(`oci://${registry.host}/team`, noDockerConfig()).listTags()).rejects.toThrow(
      `registry ${registry.host} speaks HTTPS, but was reached over plain HTTP: use oci://${registry.host}/<namespace>?tls=true`,
    );
  });

  it('names an unknown certificate authority and where to put the CA', async () => {
    const env = noDockerConfig();
    const failure = open(`oci://${registry.host}/team?tls=true`, env).listTags();
    await expect(failure).rejects.toThrow(
      `registry ${registry.host}: certificate signed by an unknown authority: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE); ` +
        `trust its CA: save it as ${env.DOCKER_CONFIG}/certs.d/${registry.host}/ca.crt (or /etc/docker/certs.d/${registry.host}/ca.crt), or set NODE_EXTRA_CA_CERTS=<ca.pem>`,
    );
  });

  it('trusts a CA in $DOCKER_CONFIG/certs.d/<host:port>/ca.crt', async () => {
    const repo = open(`oci://${registry.host}/team?tls=true`, certsD());
    const pushed = await pushTinyArtifact(repo, 'v1.0.0');
    expect(await repo.listTags()).toEqual(['v1.0.0']);
    expect((await repo.fetchManifest('v1.0.0'))?.descriptor.digest).toBe(pushed.digest);
  });

  it('trusts a CA named by NODE_EXTRA_CA_CERTS', async () => {
    const repo = open(`oci://${registry.host}/team?tls=true`, { ...noDockerConfig(), NODE_EXTRA_CA_CERTS: ca.caFile });
    await pushTinyArtifact(repo, 'v1.0.0');
    expect(await repo.listTags()).toEqual(['v1.0.0']);
  });

  it('says a plain HTTP registry does not speak HTTPS', async () => {
    const plain = process.env.MODELOS_TEST_REGISTRY!;
    await expect(open(`oci://${plain}/team?tls=true`, noDockerConfig()).listTags()).rejects.toThrow(
      `registry ${plain} speaks plain HTTP, not HTTPS: use oci://${plain}/<namespace> (no ?tls=true)`,
    );
  });
});

describe('certificates that do not fit the registry (one line with the fix)', () => {
  /** An HTTPS server with `cert` on `host`, answering like an empty registry. */
  async function serveTls(cert: string, host: string): Promise<{ host: string; close(): Promise<void> }> {
    const server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(ca.keyFile) }, (_req, res) => res.end('{"tags":[]}'));
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return { host: `${host}:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
  const trusted = () => ({ ...noDockerConfig(), NODE_EXTRA_CA_CERTS: ca.caFile });

  it('names a certificate issued for another name', async () => {
    // The test certificate is for 127.0.0.1 and localhost; 127.0.0.2 is loopback too, but another name.
    const server = await serveTls(ca.certFile, '127.0.0.2');
    try {
      await expect(open(`oci://${server.host}/team`, trusted()).listTags()).rejects.toThrow(
        new RegExp(`^registry ${escapeRegExp(server.host)}: its certificate is not valid for this name: .*; use a name the certificate lists, or reissue it for 127\\.0\\.0\\.2$`),
      );
    } finally {
      await server.close();
    }
  });

  it('sends no credentials to a plain HTTP token service a TLS registry names', async () => {
    const server = https.createServer({ cert: fs.readFileSync(ca.certFile), key: fs.readFileSync(ca.keyFile) }, (_req, res) => {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="http://auth.example.invalid/token",service="registry"' });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const env = { ...trusted(), MODELOS_REGISTRY_USERNAME: 'erin', MODELOS_REGISTRY_PASSWORD: 's3cret' };
      await expect(open(`oci://${host}/team?tls=true`, env).listTags()).rejects.toThrow(
        new UserError(`registry ${host} speaks HTTPS but names a plain HTTP token service (http://auth.example.invalid): refusing to send it credentials; its realm must be an https URL`),
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('names a certificate out of its validity period', async () => {
    const expired = path.join(dir, 'expired.pem');
    // Signed by the test CA for the right name, valid until yesterday.
    execFileSync('openssl', ['x509', '-req', '-in', path.join(dir, 'server.csr'), '-CA', ca.caFile, '-CAkey', path.join(dir, 'ca.key'), '-CAcreateserial', '-days', '-1', '-extfile', path.join(dir, 'san.ext'), '-out', expired], { stdio: 'pipe' });
    const server = await serveTls(expired, '127.0.0.1');
    try {
      await expect(open(`oci://${server.host}/team?tls=true`, trusted()).listTags()).rejects.toThrow(
        new UserError(`registry ${server.host}: its certificate is out of its validity period (CERT_HAS_EXPIRED): renew it, or check this machine's clock`),
      );
    } finally {
      await server.close();
    }
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('HTTPS_PROXY and NO_PROXY', () => {
  const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('tunnels HTTPS through the proxy with CONNECT, and goes direct for NO_PROXY hosts', async () => {
    const proxy = await startConnectProxy();
    try {
      process.env.HTTPS_PROXY = proxy.url;
      delete process.env.NO_PROXY;
      const repo = open(`oci://${registry.host}/team?tls=true`, certsD());
      await pushTinyArtifact(repo, 'v1.0.0');
      expect(proxy.tunnels.length).toBeGreaterThan(0);
      expect(new Set(proxy.tunnels)).toEqual(new Set([registry.host]));

      process.env.NO_PROXY = '127.0.0.1';
      const before = proxy.tunnels.length;
      expect(await open(`oci://${registry.host}/team?tls=true`, certsD()).listTags()).toEqual([]);
      expect(proxy.tunnels.length).toBe(before);
    } finally {
      await proxy.close();
    }
  });

  it('takes a proxy given without a scheme as http://, as curl and docker do', async () => {
    const proxy = await startConnectProxy();
    try {
      process.env.HTTPS_PROXY = proxy.url.replace('http://', '');
      delete process.env.NO_PROXY;
      expect(await open(`oci://${registry.host}/team?tls=true`, certsD()).listTags()).toEqual(expect.any(Array));
      expect(proxy.tunnels).toEqual([registry.host]);
    } finally {
      await proxy.close();
    }
  });

  it('names the proxy, not the registry, when the proxy is down or wants credentials', async () => {
    delete process.env.NO_PROXY;
    const down = await closedPort();
    process.env.HTTPS_PROXY = `http://alice:s3cret@127.0.0.1:${down}`;
    await expect(open(`oci://${registry.host}/team?tls=true`, certsD()).listTags()).rejects.toThrow(
      `proxy 127.0.0.1:${down} (HTTPS_PROXY) is not reachable (connect ECONNREFUSED): check HTTPS_PROXY, or list 127.0.0.1 in NO_PROXY`,
    );
    const asking = http.createServer();
    asking.on('connect', (_req, socket: net.Socket) => socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => asking.listen(0, '127.0.0.1', resolve));
    const port = (asking.address() as AddressInfo).port;
    try {
      process.env.HTTPS_PROXY = `http://127.0.0.1:${port}`;
      await expect(open(`oci://${registry.host}/team?tls=true`, certsD()).listTags()).rejects.toThrow(
        `proxy 127.0.0.1:${port} (HTTPS_PROXY) asks for credentials (407): give them in HTTPS_PROXY=http://<user>:<password>@127.0.0.1:${port}`,
      );
      process.env.HTTPS_PROXY = `http://alice:s3cret@127.0.0.1:${port}`;
      // toThrow matches a part of the message: the password must not be in the rest of it.
      await expect(open(`oci://${registry.host}/team?tls=true`, certsD()).listTags()).rejects.toThrow(
        new Error(`proxy 127.0.0.1:${port} (HTTPS_PROXY) refused its credentials (407): check the user and password in HTTPS_PROXY`),
      );
    } finally {
      await new Promise((resolve) => asking.close(resolve));
    }
  });

  it('refuses a proxy URL that is no URL in one line, without its password', async () => {
    process.env.HTTPS_PROXY = 'http://alice:s3cret@proxy.invalid:99999';
    delete process.env.NO_PROXY;
    const error = await open(`oci://${registry.host}/team?tls=true`, certsD())
      .listTags()
      .catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toBe('invalid proxy URL "http://***@proxy.invalid:99999" in HTTPS_PROXY/HTTP_PROXY: expected http://[user:password@]host:port');
  });
});
