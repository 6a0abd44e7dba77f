// Behaviour the test registry does not show by itself (paging, flakiness, token auth,
// redirects) exercised through a small programmable proxy in front of the real registry.
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { digestOf, MediaTypes, serializeManifest, type Descriptor } from '../content';
import { defaultRetryPolicy, type RetryPolicy } from '../retry/policy';
import { RemoteRepository } from './repository';
import { startRegistryProxy, type RegistryProxy } from '../../../../versioning-core/src/test-support/registry-proxy';

jest.setTimeout(60_000);

const registryHost = process.env.MODELOS_TEST_REGISTRY!;
const [registryHostname, registryPort] = registryHost.split(':');

let proxy: RegistryProxy;
beforeAll(async () => {
  proxy = await startRegistryProxy();
});
afterAll(() => proxy.close());
beforeEach(() => {
  proxy.intercept = () => false;
  proxy.seen = [];
});

let counter = 0;
const uniqueName = () => `proxied/r${process.pid}x${Date.now().toString(36)}x${counter++}`;

function recordingPolicy(): { waits: number[]; policy: RetryPolicy } {
  const waits: number[] = [];
  return { waits, policy: { ...defaultRetryPolicy, random: () => 0.5, sleep: async (ms) => void waits.push(ms) } };
}

function open(options: { env?: NodeJS.ProcessEnv; retryPolicy?: RetryPolicy; name?: string } = {}) {
  return new RemoteRepository({ host: proxy.host, plainHttp: true, name: options.name ?? uniqueName(), env: options.env ?? {}, retryPolicy: options.retryPolicy });
}

async function pushArtifact(repo: RemoteRepository, tag: string): Promise<{ manifest: Buffer; layer: Descriptor; bytes: Buffer }> {
  const bytes = randomBytes(2048);
  const layer = { mediaType: MediaTypes.layerTarGzip, digest: digestOf(bytes), size: bytes.length };
  await repo.pushBlob(layer, () => Readable.from([bytes]));
  const manifest = serializeManifest({ schemaVersion: 2, mediaType: MediaTypes.imageManifest, config: layer, layers: [layer] });
  await repo.pushManifest(manifest, MediaTypes.imageManifest, tag);
  return { manifest, layer, bytes };
}

const reply = (res: http.ServerResponse, status: number, headers: Record<string, string> = {}, body = '') => {
  res.writeHead(status, headers);
  res.end(body);
  return true;
};

describe('retries', () => {
  it('pushes through 503s and a 429, waiting as Retry-After asks', async () => {
    const failures = [503, 429, 503];
    proxy.intercept = (req, res) => {
      const status = failures.shift();
      if (status === undefined) return false;
      req.resume();
      return reply(res, status, status === 429 ? { 'retry-after': '1' } : {}, '{"errors":[{"code":"UNAVAILABLE"}]}');
    };
    const { waits, policy } = recordingPolicy();
    const repo = open({ retryPolicy: policy });
    const { manifest } = await pushArtifact(repo, 'v1');
    expect((await repo.fetchManifest('v1'))?.bytes.equals(manifest)).toBe(true);
    expect(waits).toEqual([250, expect.any(Number), 1000]);
    expect(waits[1]).toBeGreaterThanOrEqual(1000);
    expect(repo.counters.requests).toBe(proxy.seen.length);
  });

  it('says how often it tried when the registry keeps failing', async () => {
    proxy.intercept = (req, res) => {
      req.resume();
      return reply(res, 503, {}, '{"errors":[{"code":"UNAVAILABLE","message":"overloaded"}]}');
    };
    const repo = open({ retryPolicy: recordingPolicy().policy });
    await expect(repo.listTags()).rejects.toThrow(
      `cannot list tags in ${repo.reference}: registry ${proxy.host} answered 503 UNAVAILABLE: overloaded (5 tries): it is overloaded or failing, run the command again later`,
    );
  });

  it('asks again when a manifest PUT finds a just-pushed blob unknown (a concurrent upload of it committing)', async () => {
    let refused = 0;
    proxy.intercept = (req, res) => {
      if (req.method !== 'PUT' || !req.url!.includes('/manifests/') || refused >= 2) return false;
      refused++;
      req.resume();
      return reply(res, 400, {}, '{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]}');
    };
    const { waits, policy } = recordingPolicy();
    const repo = open({ retryPolicy: policy });
    const { manifest } = await pushArtifact(repo, 'v1');
    expect(refused).toBe(2);
    expect(waits).toEqual([200, 400]);
    expect((await repo.fetchManifest('v1'))?.bytes.equals(manifest)).toBe(true);
  });
});

describe('tag list pagination', () => {
  it('follows relative and absolute Link headers until the last page', async () => {
    const name = uniqueName();
    const repo = open({ name });
    const { manifest } = await pushArtifact(repo, 't0');
    for (const tag of ['t1', 't2', 't3', 't4']) await repo.pushManifest(manifest, MediaTypes.imageManifest, tag);

    proxy.intercept = (req, res) => {
      const url = new URL(req.url!, `http://${proxy.host}`);
      if (!url.pathname.endsWith('/tags/list')) return false;
      // The test registry returns everything at once: page it by two, like ECR or Quay would.
      const all = ['t0', 't1', 't2', 't3', 't4'];
      const start = url.searchParams.has('last') ? all.indexOf(url.searchParams.get('last')!) + 1 : 0;
      const page = all.slice(start, start + 2);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (start + 2 < all.length) {
        const next = `/v2/${name}/tags/list?n=2&last=${page[page.length - 1]}`;
        headers.link = `<${start === 0 ? next : `http://${proxy.host}${next}`}>; rel="next"`;
      }
      return reply(res, 200, headers, JSON.stringify({ name, tags: page }));
    };
    expect(await repo.listTags()).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(proxy.seen.filter((r) => r.url.includes('/tags/list'))).toHaveLength(3);
  });

  it('refuses a Link to another host', async () => {
    const repo = open();
    proxy.intercept = (req, res) =>
      req.url!.endsWith('/tags/list') &&
      reply(res, 200, { link: '<http://127.0.0.2:1/v2/x/tags/list?last=a>; rel="next"' }, '{"name":"x","tags":["a"]}');
    await expect(repo.listTags()).rejects.toThrow(`registry ${proxy.host} pointed its tag list Link to another host (127.0.0.2:1); refusing to follow it`);
  });
});

/** Sends the request on to the registry, then drops the connection instead of passing its answer back. */
function forwardThenDrop(req: http.IncomingMessage, res: http.ServerResponse): true {
  const upstream = http.request({ host: registryHostname, port: registryPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    answer.resume();
    answer.on('end', () => res.socket?.destroy());
  });
  req.pipe(upstream);
  return true;
}

describe('blob upload', () => {
  it.each([
    ['a monolithic PUT', (repo: RemoteRepository, bytes: Buffer) => repo.pushBlob({ mediaType: MediaTypes.layerTarGzip, digest: digestOf(bytes), size: bytes.length }, () => Readable.from([bytes]))],
    ['the PUT that ends a streamed upload', (repo: RemoteRepository, bytes: Buffer) => repo.pushBlobStreaming(() => Readable.from([bytes]))],
  ])('takes %s whose answer was lost as done when the registry holds the blob (the retry finds the session closed)', async (_, push) => {
    let dropped = 0;
    proxy.intercept = (req, res) => req.method === 'PUT' && req.url!.includes('/blobs/uploads/') && dropped++ === 0 && forwardThenDrop(req, res);
    const repo = open({ retryPolicy: recordingPolicy().policy });
    const bytes = randomBytes(4096);
    await push(repo, bytes);
    expect(dropped).toBe(2);
    expect(proxy.seen.filter((r) => r.method === 'PUT').length).toBe(2);
    expect(await repo.blobExists(digestOf(bytes))).toBe(true);
    expect((await repo.fetchBlob(digestOf(bytes))).equals(bytes)).toBe(true);
  });

  it('refuses an upload Location on another host', async () => {
    const repo = open();
    proxy.intercept = (req, res) =>
      req.method === 'POST' && reply(res, 202, { location: 'http://uploads.example/v2/x/blobs/uploads/123?_state=abc' });
    const bytes = Buffer.from('secret model');
    await expect(repo.pushBlob({ mediaType: MediaTypes.layerTarGzip, digest: digestOf(bytes), size: bytes.length }, () => Readable.from([bytes]))).rejects.toThrow(
      `registry ${proxy.host} pointed its upload Location to another host (uploads.example); refusing to follow it`,
    );
    expect(proxy.seen.map((r) => r.method)).toEqual(['HEAD', 'POST']);
  });
});

describe('Bearer token auth', () => {
  /** Issued tokens and the scopes they grant. */
  const tokens = new Map<string, string[]>();
  let issued = 0;
  let tokenRequests: URL[];

  /** Token service at /token (user alice, password wonderland) guarding /v2/ like a registry with token auth. */
  function requireBearer(): RegistryProxy['intercept'] {
    return (req, res) => {
      const url = new URL(req.url!, `http://${proxy.host}`);
      if (url.pathname === '/token') {
        tokenRequests.push(url);
        if (req.headers.authorization !== `Basic ${Buffer.from('alice:wonderland').toString('base64')}`) {
          return reply(res, 401, { 'content-type': 'application/json' }, '{"details":"bad credentials"}');
        }
        const token = `token-${issued++}`;
        tokens.set(token, url.searchParams.getAll('scope'));
        return reply(res, 200, { 'content-type': 'application/json' }, JSON.stringify({ token }));
      }
      const granted = tokens.get(req.headers.authorization?.replace(/^Bearer /, '') ?? '') ?? [];
      const push = !['GET', 'HEAD'].includes(req.method!);
      const name = url.pathname.replace(/^\/v2\/(.*)\/(blobs|manifests|tags)\/.*$/, '$1');
      const scope = `repository:${name}:${push ? 'pull,push' : 'pull'}`;
      if (granted.includes(scope) || granted.includes(`repository:${name}:pull,push`)) return false;
      req.resume();
      const challenge = `Bearer realm="http://${proxy.host}/token",service="proxy-registry",scope="${scope}"`;
      return reply(res, 401, { 'www-authenticate': challenge, 'content-type': 'application/json' }, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}');
    };
  }

  beforeEach(() => {
    tokens.clear();
    tokenRequests = [];
  });

  const alice = { MODELOS_REGISTRY_USERNAME: 'alice', MODELOS_REGISTRY_PASSWORD: 'wonderland' };

  it('fetches a token per scope with Basic credentials, caches it, and refetches when it is refused', async () => {
    proxy.intercept = requireBearer();
    const name = uniqueName();
    const repo = open({ env: alice, name });
    const { manifest } = await pushArtifact(repo, 'v1');
    expect(tokenRequests.map((u) => [u.searchParams.get('service'), u.searchParams.getAll('scope')])).toEqual([
      ['proxy-registry', [`repository:${name}:pull`]],
      ['proxy-registry', [`repository:${name}:pull,push`]],
    ]);

    const before = proxy.seen.length;
    expect((await repo.fetchManifest('v1'))?.bytes.equals(manifest)).toBe(true);
    expect(proxy.seen.length - before).toBe(1); // cached token: no challenge, no token request
    expect(tokenRequests).toHaveLength(2);

    tokens.clear(); // the registry forgets its tokens (expiry)
    expect(await repo.listTags()).toEqual(['v1']);
    expect(tokenRequests).toHaveLength(3);
  });

  it('reports rejected credentials without printing the password', async () => {
    proxy.intercept = requireBearer();
    const repo = open({ env: { MODELOS_REGISTRY_USERNAME: 'alice', MODELOS_REGISTRY_PASSWORD: 'not-the-password' } });
    const failure = repo.listTags();
    await expect(failure).rejects.toThrow(`registry ${proxy.host} rejected the credentials of user "alice" (from env MODELOS_REGISTRY_USERNAME)`);
    await expect(failure).rejects.not.toThrow(/not-the-password/);
  });

  it('asks for a login when it has no credentials', async () => {
    proxy.intercept = requireBearer();
    await expect(open().listTags()).rejects.toThrow(
      `registry ${proxy.host} requires authentication (token service ${proxy.host} answered 401 for repository:`,
    );
  });

  it('follows a blob redirect to another origin without the Authorization header', async () => {
    const requireAuth = requireBearer();
    const seenByCdn: Array<string | undefined> = [];
    const cdn = http.createServer((req, res) => {
      seenByCdn.push(req.headers.authorization);
      http.get({ host: registryHostname, port: registryPort, path: req.url }, (answer) => {
        res.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(res);
      });
    });
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
    const cdnHost = `127.0.0.1:${(cdn.address() as AddressInfo).port}`;
    proxy.intercept = (req, res) => {
      if (requireAuth(req, res)) return true;
      if (req.method === 'GET' && req.url!.includes('/blobs/sha256:')) return reply(res, 307, { location: `http://${cdnHost}${req.url}` });
      return false;
    };
    const repo = open({ env: alice });
    const { layer, bytes } = await pushArtifact(repo, 'v1');
    expect((await repo.fetchBlob(layer.digest)).equals(bytes)).toBe(true);
    expect(seenByCdn).toEqual([undefined]);
    expect(proxy.seen.some((r) => r.url.includes('/blobs/sha256:') && r.method === 'GET' && r.authorization?.startsWith('Bearer '))).toBe(true);
    await new Promise((resolve) => cdn.close(resolve));
  });
});

describe('untrusted answers', () => {
  it('refuses a manifest read by tag that does not match the Docker-Content-Digest the registry sent', async () => {
    const repo = open();
    const { manifest } = await pushArtifact(repo, 'v1');
    const genuine = digestOf(manifest);
    // A tampering cache in between: other bytes, the registry's digest header kept.
    const tampered = Buffer.from(manifest.toString('utf8').replace('"schemaVersion":2', '"schemaVersion":2 '));
    proxy.intercept = (req, res) =>
      req.method === 'GET' &&
      req.url!.endsWith('/manifests/v1') &&
      reply(res, 200, { 'content-type': MediaTypes.imageManifest, 'docker-content-digest': genuine }, tampered.toString('utf8'));
    await expect(repo.fetchManifest('v1')).rejects.toThrow(
      `manifest v1 from ${repo.reference} does not match the digest the registry gave for it (Docker-Content-Digest ${genuine}, content ${digestOf(tampered)})`,
    );
    proxy.intercept = () => false;
    expect((await repo.fetchManifest('v1'))?.descriptor.digest).toBe(genuine);
  });
});
