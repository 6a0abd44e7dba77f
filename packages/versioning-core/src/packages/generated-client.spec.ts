import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { RemoteError } from '@modelos/runtime';
import { clientHash, extractInterface, type InterfaceDescriptor } from '../interface';
import { generateClientSource } from '../packages/client-source';
import { clientPackageFiles } from '../packages/client-package';
import type { PackageFile } from '../packages/npm-tarball';
import { guardOptions } from '../packages/runtime/http-guards';
import { createResourceServer } from '../packages/runtime/server-runtime';
import { serverPackageFiles } from '../packages/server-package';
import { hamWorkspace, loadGeneratedClient, typeErrors } from '../test-support/ham-workspace';
import { tsNodeArgs } from '../test-support/run-ts';

jest.setTimeout(60_000);

let fixture: ReturnType<typeof hamWorkspace>;
let tmp: string;
let descriptor: InterfaceDescriptor;
let server: http.Server;
let url: string;
/** Every request the server answered: `METHOD /path status`. */
let requests: string[];

const spec = (version = '1.0.0', resource = 'ham') => ({ resource, version, clientHash: clientHash(descriptor), registry: 'oci://127.0.0.1:9/nowhere' });
const client = (version?: string, resource?: string) => loadGeneratedClient(generateClientSource(descriptor, spec(version, resource)).js);

function writePackage(dir: string, files: PackageFile[]): string {
  for (const file of files) {
    fs.mkdirSync(path.join(dir, path.dirname(file.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, file.path), file.content);
  }
  return dir;
}

beforeAll(async () => {
  fixture = hamWorkspace();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'client-runtime-'));
  descriptor = extractInterface({ entryFile: fixture.entryFile, className: 'Ham' });
  const served = { resource: 'ham', version: '1.2.1', clientHash: clientHash(descriptor), interface: descriptor };
  const serverDir = writePackage(
    path.join(tmp, 'server'),
    serverPackageFiles({ workspaceRoot: fixture.ws.root, closure: fixture.closure, entryFile: fixture.entryFile, name: '@ml-project/ham', served }),
  );
  // The server runs here, so that the test sees each request; server-package.spec runs server.js itself.
  server = createResourceServer(served, require(path.join(serverDir, 'index.js')).Ham, guardOptions('127.0.0.1', {}));
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => res.on('finish', () => requests.push(`${req.method} ${req.url} ${res.statusCode}`)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

beforeEach(() => {
  requests = [];
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  fixture.ws.remove();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('generated client against a server', () => {
  it('creates an instance through fromUri and calls methods and statics', async () => {
    const { HamClient, Doneness } = client();
    const ham = await HamClient.fromUri(url);
    expect([ham.url, ham.info.version]).toEqual([url, '1.2.1']);
    const instance = await ham.create('ham', 1, true);
    expect(instance).toBeInstanceOf(HamClient);
    expect(await instance.bake(200, Doneness.Rare)).toEqual({ text: 'ham baked at 200 with honey', eggs: [{ size: 1 }, { size: 2 }], doneness: 'rare' });
    // A left-out optional argument is left out on the server too: its default applies.
    expect((await instance.bake(200)).doneness).toBe('done');
    expect(await instance.slice(2)).toEqual([0, 2]);
    expect(await ham.getTemp()).toBe(180);
    expect(await ham.digest('ham')).toMatch(/^[0-9a-f]{8}$/);
  });

  it('rejects with the server-side error message', async () => {
    const { HamClient } = client();
    const instance = await (await HamClient.fromUri(url)).create('ham', 1, true);
    const error = await instance.fail('too hot').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ message: 'too hot', remoteName: 'RangeError', status: 500 });
  });

  it('deletes the remote instance on dispose (await using), once', async () => {
    const { HamClient } = client();
    HamClient.uri = url;
    let kept: { bake(temp: number): Promise<unknown>; [Symbol.asyncDispose](): Promise<void> } | undefined;
    {
      await using ham = await HamClient.create('ham', 1, true);
      kept = ham;
      expect(await HamClient.getTemp()).toBe(180);
    }
    const created = requests.find((line) => line.startsWith('POST /instances '));
    expect(created).toBe('POST /instances 201');
    expect(requests.filter((line) => line.startsWith('DELETE'))).toEqual([expect.stringMatching(/^DELETE \/instances\/[0-9a-f-]{36} 204$/)]);
    await expect(kept!.bake(1)).rejects.toThrow('this ham instance was disposed: create another');
    await kept![Symbol.asyncDispose]();
    expect(requests.filter((line) => line.startsWith('DELETE'))).toHaveLength(1);
  });

  it('refuses a server of another major, naming both versions, before creating anything', async () => {
    const { HamClient } = client('2.0.0');
    await expect(HamClient.fromUri(url)).rejects.toThrow(
      `ham server v1.2.1 (at ${url}/) is incompatible with this client, ham-client v2.0.0: a v2 client needs a v2.x.y server (use a ham-client of major 1 for that server)`,
    );
    HamClient.uri = url;
    await expect(HamClient.create('ham', 1, true)).rejects.toThrow(/incompatible/);
    await expect(HamClient.fromVersion('v1.2.1')).rejects.toThrow('ham server v1.2.1 (requested) is incompatible with this client, ham-client v2.0.0');
    expect(requests.filter((line) => !line.startsWith('GET / '))).toEqual([]);
  });

  it('refuses an older server of its major whose interface differs, and takes one that only is older', async () => {
    const newer = loadGeneratedClient(generateClientSource(descriptor, { ...spec('1.4.0'), clientHash: 'd'.repeat(64) }).js).HamClient;
    await expect(newer.fromUri(url)).rejects.toThrow(
      `ham server v1.2.1 (at ${url}/) is older than this client, ham-client v1.4.0, and serves another interface (client hash ${clientHash(descriptor).slice(0, 7)}, not ddddddd): ` +
        "use a server of v1.4.0 or later, or a client generated from that server's release",
    );
    // Minor releases that changed only server logic keep the interface: the older server serves it all.
    await expect(client('1.4.0').HamClient.fromUri(url)).resolves.toBeDefined();
    // A newer client of the same interface, or a newer server: fine either way.
    await expect(loadGeneratedClient(generateClientSource(descriptor, { ...spec('1.0.0'), clientHash: 'd'.repeat(64) }).js).HamClient.fromUri(url)).resolves.toBeDefined();
  });

  it('refuses a server of another resource, and says when it cannot reach one', async () => {
    await expect(client('1.0.0', 'bacon').HamClient.fromUri(url)).rejects.toThrow(
      `${url}/ serves "ham", not bacon`,
    );
    await expect(client().HamClient.fromUri('http://127.0.0.1:9')).rejects.toThrow(/^cannot reach the ham server at http:\/\/127\.0\.0\.1:9\/: .*ECONNREFUSED/);
  });
});

describe('client package as installed', () => {
  let consumer: string;
  beforeAll(() => {
    consumer = path.join(tmp, 'consumer');
    // The package as published: @modelos/runtime travels inside it, under its own node_modules.
    writePackage(path.join(consumer, 'node_modules/@ml-project/ham-client'), clientPackageFiles({ name: '@ml-project/ham-client', spec: spec(), interface: descriptor }));
  });

  it('loads the runtime it carries (@modelos/runtime/client) and calls the server', async () => {
    const script = path.join(consumer, 'use-ham.js');
    fs.writeFileSync(
      script,
      `const { HamClient } = require('@ml-project/ham-client');
(async () => {
  const server = await HamClient.fromUri(process.argv[2]);
  const ham = await server.create('ham', 2, false);
  console.log(JSON.stringify([await server.getTemp(), await ham.describe()]));
  await ham[Symbol.asyncDispose]();
})().catch((err) => { console.error(err.message); process.exit(1); });
`,
    );
    // Asynchronously: the server answers from this process.
    const { stdout } = await promisify(execFile)(process.execPath, tsNodeArgs(script, [url]), { cwd: consumer, encoding: 'utf8' });
    expect(JSON.parse(stdout)).toEqual([180, { a: 'ham', c: false }]);
  });

  it('type-checks a consumer with await using, and types its methods', () => {
    const tsc = (source: string) => {
      fs.writeFileSync(path.join(consumer, 'consumer.ts'), source);
      return typeErrors(consumer, ['consumer.ts']);
    };
    expect(
      tsc(`import { HamClient, Doneness, RemoteError, type BakeResult } from '@ml-project/ham-client';
export async function main(): Promise<[BakeResult, number, number[]]> {
  HamClient.version = 'v1.0.0';
  await using ham = await HamClient.create('a', 1, true);
  await using server = await HamClient.fromUri('http://127.0.0.1:1');
  const error: Error = new RemoteError();
  void error;
  return [await ham.bake(200, Doneness.Rare), await server.getTemp(), await ham.slice(3)];
}
`),
    ).toBe('');
    expect(tsc(`import { HamClient } from '@ml-project/ham-client';\nexport async function main() {\n  const ham = await HamClient.create('a', 1, true);\n  await ham.bake('hot');\n  new HamClient();\n}\n`)).toMatch(
      /consumer\.ts\(4,18\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'\.[\s\S]*consumer\.ts\(5,3\): error TS2673/,
    );
  });
});
