// The client runtime against real sockets: a server that never answers, the serve token, and
// versions that are not versions. A minimal registered class stands in for
// a generated client (generated-client.spec in versioning-core runs the generated code itself).
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { VERSION_RULE } from '../tags/version';
import { fromUri, fromVersion, registerClient, type ClientClass } from './client-runtime';

class HamClient {
  static version?: string;
  static uri?: string;
}
class HamServer {}
registerClient(HamClient as ClientClass, HamServer, { resource: 'ham', version: '1.0.0', clientHash: 'f'.repeat(64), registry: 'oci://127.0.0.1:9/nowhere' });

const INFO = JSON.stringify({ resource: 'ham', version: '1.0.0', clientHash: 'f'.repeat(64), interface: {} });
const closers: (() => void)[] = [];
const clearEnv = () => {
  delete process.env.MODELOS_CLIENT_TIMEOUT_MS;
  delete process.env.MODELOS_SERVE_TOKEN;
};

beforeEach(clearEnv);
afterEach(() => {
  for (const close of closers.splice(0)) close();
  clearEnv();
});

function listen<T extends net.Server>(server: T, host: string): Promise<number> {
  closers.push(() => {
    (server as unknown as http.Server).closeAllConnections?.();
    server.close();
  });
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

/** A ham server answering `GET /`, recording each request's Authorization header. */
async function hamServer(host: string): Promise<{ url: string; authorizations: (string | undefined)[] }> {
  const authorizations: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' }).end(INFO);
  });
  return { url: `http://${host}:${await listen(server, host)}`, authorizations };
}

describe('client calls wait for an answer only so long: a silent server must not hang the caller', () => {
  it('fails a call that gets no answer in MODELOS_CLIENT_TIMEOUT_MS with one line naming the server', async () => {
    const sockets: net.Socket[] = [];
    // Takes the connection and the request, and never answers.
    const silent = net.createServer((socket) => sockets.push(socket.on('data', () => undefined)));
    closers.push(() => sockets.forEach((socket) => socket.destroy()));
    const port = await listen(silent, '127.0.0.1');
    process.env.MODELOS_CLIENT_TIMEOUT_MS = '500';
    const started = Date.now();
    await expect(fromUri(HamClient as ClientClass, `http://127.0.0.1:${port}`)).rejects.toThrow(
      new Error(`cannot reach the ham server at http://127.0.0.1:${port}/: no answer in 0.5 s (MODELOS_CLIENT_TIMEOUT_MS sets the wait)`),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 15_000);

  it('refuses a MODELOS_CLIENT_TIMEOUT_MS that is not a positive integer', async () => {
    const { url } = await hamServer('127.0.0.1');
    process.env.MODELOS_CLIENT_TIMEOUT_MS = '5s';
    await expect(fromUri(HamClient as ClientClass, url)).rejects.toThrow(new Error('MODELOS_CLIENT_TIMEOUT_MS must be a positive integer (milliseconds), not "5s"'));
  });
});

describe('MODELOS_SERVE_TOKEN', () => {
  it('goes with every call to the server the client names', async () => {
    const server = await hamServer('127.0.0.1');
    process.env.MODELOS_SERVE_TOKEN = 's3cret';
    await fromUri(HamClient as ClientClass, server.url);
    expect(server.authorizations).toEqual(['Bearer s3cret']);
  });
});

describe('fromVersion checks the version rule before compatibility', () => {
  it.each(['garbage', '1.0'])('refuses %s with the version rule, before any registry is asked', async (version) => {
    await expect(fromVersion(HamClient as ClientClass, version)).rejects.toThrow(new Error(`invalid version "${version}": ${VERSION_RULE}`));
  });
});
