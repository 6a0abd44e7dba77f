// SPEC §12 "everything read from outside is untrusted": for arbitrary references, tags,
// versions, resource.json, registry answers (manifests, tag lists, Link headers, token
// responses, served by a real HTTP server) and archives, each parser or client call gives a
// result or one UserError, never another exception, a crash or a hang.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import * as tar from 'tar-stream';
import { parseRepositoryArgument } from './cli/repository-argument';
import { UserError } from './errors';
import { parsePackageRef } from './install/package-ref';
import {
  declaredMediaType,
  defaultRetryPolicy,
  digestOf,
  indexedManifests,
  nextLink,
  parseManifest,
  parseRegistryReference,
  RemoteRepository,
  tryParseManifest,
} from './oci';
import { parseResourceConfig } from './resource/resource-config';
import { extractNpmTarball } from '@modelos/runtime';
import { assertTag, classifyTag, formatVersion, isValidTag, parseVersion } from './tags';

jest.setTimeout(120_000);

const RUNS = 500;
const IO_RUNS = 150;

/** Runs `fn`; a UserError is a fine answer, anything else thrown fails the property. */
function resultOrUserError<T>(fn: () => T): T | UserError {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw new Error(`threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
  }
}

async function settlesClearly<T>(promise: Promise<T>, ms = 10_000): Promise<T | UserError> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (a hang)`)), ms);
  });
  try {
    return await Promise.race([promise, hang]);
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

const text = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }));
const referenceLike = fc.oneof(
  text,
  fc
    .tuple(fc.constantFrom('oci://', 'file://', 'file:', '', 'https://', 'oci://user:pw@'), fc.domain(), fc.option(fc.integer({ min: -1, max: 70000 })), fc.webPath(), fc.constantFrom('', '?insecure=true', '?tls=true', '?tls=yes', '?x=1'))
    .map(([scheme, host, port, p, q]) => `${scheme}${host}${port === null ? '' : `:${port}`}${p}${q}`),
);

describe('properties over input parsers', () => {
  it('registry references, package references and repository arguments', () => {
    fc.assert(
      fc.property(referenceLike, fc.constantFrom('-client-v1', '-pkg-v1.2.3', '-client-v1.0.0-rc.1', ':x', ''), (ref, suffix) => {
        resultOrUserError(() => parseRegistryReference(ref, '/work/ws'));
        resultOrUserError(() => parseRegistryReference(ref, '/work/ws', { schemelessHost: 'remote' }));
        resultOrUserError(() => parsePackageRef(`${ref}:ham${suffix}`, '/work/ws'));
        resultOrUserError(() => parseRepositoryArgument(ref, '/work/ws'));
      }),
      { numRuns: RUNS },
    );
  });

  it('tags: classifyTag never throws, and assertTag refuses exactly the invalid ones', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.stringMatching(/^[A-Za-z0-9_.+-]{0,140}$/), fc.constantFrom('v1.2.3', 'pkg-v1.0.0', 'client-v2', 'latest', 'env-prod', 'main-0000000-abcdef0')), (tag) => {
        const info = classifyTag(tag);
        expect(typeof info.kind).toBe('string');
        const asserted = resultOrUserError(() => assertTag(tag));
        expect(asserted instanceof UserError).toBe(!isValidTag(tag));
      }),
      { numRuns: RUNS },
    );
  });

  it('versions: a version or a UserError; a parsed version prints back to itself', () => {
    const semverish = fc
      .tuple(fc.constantFrom('', 'v', 'V', '=', ' '), fc.nat(), fc.nat(), fc.nat(), fc.option(fc.stringMatching(/^[0-9A-Za-z.-]{0,12}$/)), fc.option(fc.stringMatching(/^[0-9A-Za-z.-]{0,8}$/)))
      .map(([prefix, a, b, c, pre, build]) => `${prefix}${a}.${b}.${c}${pre === null ? '' : `-${pre}`}${build === null ? '' : `+${build}`}`);
    fc.assert(
      fc.property(fc.oneof(text, semverish), (input) => {
        const version = resultOrUserError(() => parseVersion(input));
        if (!(version instanceof UserError)) expect(formatVersion(parseVersion(formatVersion(version)))).toBe(formatVersion(version));
      }),
      { numRuns: RUNS },
    );
  });

  it('resource.json: a config or a UserError naming the file', () => {
    const plausible = fc.record(
      { formatVersion: fc.oneof(fc.constant('1'), fc.constant('2'), fc.anything()), entry: fc.oneof(fc.constant('src/ham.ts'), fc.anything()), class: fc.oneof(fc.constant('Ham'), fc.anything()), requires: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything()) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), plausible), (data) => {
        const config = resultOrUserError(() => parseResourceConfig(data, 'ham/resource.json'));
        if (config instanceof UserError) expect(config.message.startsWith('ham/resource.json: ')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  const digest = fc.oneof(fc.constant(digestOf(Buffer.from('x'))), fc.string({ maxLength: 80 }), fc.stringMatching(/^sha256:[0-9a-f]{60,68}$/));
  const descriptor = fc.record({ mediaType: fc.oneof(fc.constant('application/vnd.oci.image.layer.v1.tar+gzip'), fc.string()), digest, size: fc.oneof(fc.nat(), fc.double(), fc.constant(-1)) }, { requiredKeys: [] });
  const manifestLike = fc.record(
    {
      schemaVersion: fc.oneof(fc.constant(2), fc.anything()),
      mediaType: fc.constantFrom('application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json', 'x'),
      config: fc.oneof(descriptor, fc.anything()),
      layers: fc.oneof(fc.array(descriptor, { maxLength: 3 }), fc.anything()),
      manifests: fc.oneof(fc.array(descriptor, { maxLength: 3 }), fc.anything()),
      annotations: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything()),
    },
    { requiredKeys: [] },
  );
  const manifestBytes = fc.oneof(
    manifestLike.map((m) => Buffer.from(JSON.stringify(m))),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
    fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  );

  it('manifests: parseManifest gives a manifest or a UserError; the lenient readers never throw', () => {
    fc.assert(
      fc.property(manifestBytes, (bytes) => {
        resultOrUserError(() => parseManifest(bytes, 'ham:v1'));
        tryParseManifest(bytes);
        expect(Array.isArray(indexedManifests(bytes))).toBe(true);
        declaredMediaType(bytes);
      }),
      { numRuns: RUNS },
    );
  });

  it('Link headers: a URL or nothing, never an exception', () => {
    const link = fc.oneof(
      text,
      fc.tuple(fc.webUrl(), fc.constantFrom('rel="next"', 'rel=next', 'rel="prev"', 'rel="next"; x=1', '')).map(([u, r]) => `<${u}>; ${r}`),
      fc.array(fc.string({ maxLength: 30 }), { maxLength: 5 }).map((parts) => parts.join(', <')),
    );
    fc.assert(
      fc.property(link, (value) => {
        const next = nextLink(value);
        expect(next === undefined || typeof next === 'string').toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  describe('registry answers from a real HTTP server', () => {
    let server: http.Server;
    let host: string;
    let answer: (req: http.IncomingMessage, res: http.ServerResponse) => void;

    beforeAll(async () => {
      server = http.createServer((req, res) => {
        req.resume();
        answer(req, res);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    });

    const repo = () =>
      new RemoteRepository({ host, plainHttp: true, name: 'ns/ham', env: { MODELOS_REGISTRY_USERNAME: 'u', MODELOS_REGISTRY_PASSWORD: 'p' }, retryPolicy: { ...defaultRetryPolicy, maxTries: 1 }, idleTimeoutMs: 3000 });
    const status = fc.constantFrom(200, 200, 200, 201, 204, 301, 400, 401, 404, 500);
    const headerValue = fc.oneof(fc.stringMatching(/^[\x20-\x7e]{0,60}$/), fc.constantFrom(digestOf(Buffer.from('{}')), 'application/vnd.oci.image.manifest.v1+json', 'application/json'));

    it('manifests by tag and digest, with any status, type and Docker-Content-Digest', async () => {
      await fc.assert(
        fc.asyncProperty(status, manifestBytes, headerValue, headerValue, fc.boolean(), async (code, body, type, sent, byDigest) => {
          answer = (_req, res) => {
            res.writeHead(code, { 'content-type': type, 'docker-content-digest': sent });
            res.end(body);
          };
          const ref = byDigest ? digestOf(body) : 'v1';
          await settlesClearly(repo().fetchManifest(ref));
          await settlesClearly(repo().resolve(ref));
        }),
        { numRuns: IO_RUNS },
      );
    });

    it('tag lists with any body and Link header', async () => {
      const tagList = fc.oneof(
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.record({ name: fc.string(), tags: fc.oneof(fc.array(fc.string(), { maxLength: 5 }), fc.anything()) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
        text,
      );
      const link = fc.oneof(fc.constant(undefined), headerValue, fc.constantFrom('</v2/ns/ham/tags/list?last=a>; rel="next"', '<http://elsewhere.example/x>; rel="next"'));
      await fc.assert(
        fc.asyncProperty(status, tagList, link, async (code, body, linkHeader) => {
          let pages = 0;
          answer = (_req, res) => {
            // A registry that links forever must not keep the client forever either: later pages end it.
            res.writeHead(pages++ < 3 ? code : 200, { 'content-type': 'application/json', ...(linkHeader && pages < 3 ? { link: linkHeader } : {}) });
            res.end(pages <= 3 ? body : '{"tags":[]}');
          };
          const tags = await settlesClearly(repo().listTags());
          if (!(tags instanceof UserError)) expect(tags.every((t) => typeof t === 'string')).toBe(true);
        }),
        { numRuns: IO_RUNS },
      );
    });

    it('token responses after a Bearer challenge', async () => {
      const challenge = fc.oneof(
        fc.constant(`Bearer realm="http://HOST/token",service="reg",scope="repository:ns/ham:pull"`),
        fc.constant('Basic realm="x"'),
        headerValue.map((v) => `Bearer ${v}`),
        headerValue,
      );
      const tokenBody = fc.oneof(
        fc.record({ token: fc.oneof(fc.string(), fc.anything()), access_token: fc.oneof(fc.string(), fc.anything()), expires_in: fc.anything() }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        text,
      );
      await fc.assert(
        fc.asyncProperty(challenge, status, tokenBody, async (wwwAuthenticate, tokenStatus, body) => {
          answer = (req, res) => {
            if (req.url!.startsWith('/token')) {
              res.writeHead(tokenStatus, { 'content-type': 'application/json' });
              return void res.end(body);
            }
            if (!req.headers.authorization) {
              res.writeHead(401, { 'www-authenticate': wwwAuthenticate.replace('HOST', host) });
              return void res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
            }
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end('{"tags":["v1"]}');
          };
          await settlesClearly(repo().listTags());
        }),
        { numRuns: IO_RUNS },
      );
    });
  });

  describe('archives', () => {
    let work: string;
    beforeAll(() => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'untrusted-archive-'));
    });
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    const entry = fc.record({
      name: fc.oneof(
        fc.constantFrom('package/index.js', 'package/../../escape.js', '/etc/evil', 'package//abs', 'package/a/../../b', '../x', 'package/', 'package/dir/'),
        fc.string({ maxLength: 40 }).map((s) => `package/${s}`),
        fc.string({ maxLength: 40 }),
      ),
      type: fc.constantFrom('file', 'directory', 'symlink', 'link', 'character-device', 'block-device', 'fifo'),
      linkname: fc.constantFrom('/etc/passwd', '../../outside', 'index.js'),
      content: fc.string({ maxLength: 50 }),
    });

    async function tarball(entries: Array<{ name: string; type: string; linkname: string; content: string }>): Promise<Buffer> {
      const pack = tar.pack();
      for (const e of entries) {
        const header = { name: e.name || 'package/x', type: e.type as tar.Header['type'], linkname: e.linkname, mode: 0o644 };
        if (e.type === 'file') pack.entry(header, e.content);
        else pack.entry(header);
      }
      pack.finalize();
      const chunks: Buffer[] = [];
      for await (const chunk of pack.pipe(zlib.createGzip())) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }

    it('extract into the package directory or refuse with a UserError; nothing lands outside it', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.array(entry, { maxLength: 6 }).chain((entries) => fc.constant(entries)), fc.uint8Array({ maxLength: 300 })), async (input) => {
          const box = path.join(work, `run-${run++}`);
          const dir = path.join(box, 'pkg');
          fs.mkdirSync(dir, { recursive: true });
          const bytes = Array.isArray(input) ? await tarball(input) : Buffer.from(input);
          await settlesClearly(extractNpmTarball(Readable.from([bytes]), dir, 'package ham'));
          expect(fs.readdirSync(box)).toEqual(['pkg']);
          for (const file of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
            expect(file.isFile() || file.isDirectory()).toBe(true);
          }
          fs.rmSync(box, { recursive: true, force: true });
        }),
        { numRuns: IO_RUNS },
      );
    });
  });
});
