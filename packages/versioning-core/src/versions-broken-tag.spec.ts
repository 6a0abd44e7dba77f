// A tag the registry will not give must not take the whole listing down (issue 9).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultRetryPolicy, openRepository, parseRegistryReference, type Repository } from './oci';
import { Ocidex } from './ocidex';
import { pushTinyArtifact } from './test-support/tiny-artifact';
import { startRegistryProxy, type RegistryProxy } from './test-support/registry-proxy';
import { formatVersionsTable, listRepositoryVersions } from './versions';

let proxy: RegistryProxy;
beforeAll(async () => {
  proxy = await startRegistryProxy();
});
afterAll(() => proxy.close());

const reply = (res: http.ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(body);
  return true;
};

function open(): Repository {
  const registry = parseRegistryReference(`oci://${proxy.host}/broken-${process.pid}x${Date.now().toString(36)}`, os.tmpdir());
  return openRepository(registry, 'ham', { retryPolicy: { ...defaultRetryPolicy, maxTries: 1 } });
}

describe('a tag the registry answers 500 for', () => {
  it('lists a tag the registry answers 500 for as broken, with its error, and every other tag as usual', async () => {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'broken-tag-'));
    const saved = process.env.MODELOS_CACHE_DIR;
    process.env.MODELOS_CACHE_DIR = cacheDir;
    try {
      const repo = open();
      await pushTinyArtifact(repo, 'v1.0.0', { n: '0' });
      await pushTinyArtifact(repo, 'v1.1.0', { n: '1' });
      proxy.intercept = (req, res) => req.url!.endsWith('/manifests/v1.0.0') && reply(res, 500, '{"errors":[{"code":"UNKNOWN","message":"disk on fire"}]}');
      const rows = await listRepositoryVersions(repo);
      expect(rows.map((row) => [row.tag, row.kind])).toEqual([
        ['v1.0.0', 'broken'],
        ['v1.1.0', 'release'],
      ]);
      expect(rows[0].error).toBe(`cannot fetch manifest v1.0.0 in ${repo.reference}: registry ${proxy.host} answered 500 UNKNOWN: disk on fire`);
      expect(formatVersionsTable(rows)).toContain(`\nv1.0.0: cannot fetch manifest v1.0.0`);
      // What must see every tag (release, clean) still refuses, naming the tag.
      await expect(new Ocidex(repo, cacheDir).refresh()).rejects.toThrow(/^tag v1\.0\.0 cannot be read: cannot fetch manifest v1\.0\.0/);
    } finally {
      process.env.MODELOS_CACHE_DIR = saved;
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
