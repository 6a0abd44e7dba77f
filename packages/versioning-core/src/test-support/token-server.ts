import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the token service saw. */
export interface TokenRequest {
  method: 'GET' | 'POST';
  service: string | null;
  scopes: string[];
  /** `basic:<user>` or `refresh:<token>`. */
  grant: string;
}

export interface TokenServer {
  /** `http://127.0.0.1:<port>/token`: the registry's `auth.token.realm`. */
  realm: string;
  service: string;
  issuer: string;
  requests: TokenRequest[];
  /** Seconds a token issued from now on lives; negative makes them expire that long after issue (minus distribution's 60 s leeway). */
  lifetimeSeconds: number;
  close(): Promise<void>;
}

const LEEWAY_SECONDS = 60;

/**
 * The token service of a registry with `auth: token`, as Docker Hub and distribution use it:
 * `GET <realm>?service=&scope=` with Basic credentials answers `{ token }`, and the OAuth2
 * `POST <realm>` (grant_type=password or refresh_token) answers `{ access_token, refresh_token }`.
 * Tokens are RS256 JWTs with the signing certificate in `x5c`, granting what `scope` asks.
 */
export async function startTokenServer(options: {
  users: Record<string, string>;
  refreshTokens: Record<string, string>;
  keyFile: string;
  certFile: string;
  /** Users granted `pull` only, whatever else they ask for (as a read-only robot account is). */
  readOnly?: string[];
}): Promise<TokenServer> {
  const key = createPrivateKey(fs.readFileSync(options.keyFile));
  const certDer = new X509Certificate(fs.readFileSync(options.certFile)).raw.toString('base64');
  const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

  const issue = (subject: string, service: string, scopes: string[]) => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'RS256', x5c: [certDer] };
    const access = scopes.map((scope) => {
      const [type, name, actions] = scope.split(':');
      const asked = (actions ?? '').split(',').filter(Boolean);
      return { type, name, actions: options.readOnly?.includes(subject) ? asked.filter((action) => action === 'pull') : asked };
    });
    const claims = { iss: server.issuer, sub: subject, aud: service, exp: now + server.lifetimeSeconds, nbf: now - 10, iat: now - 10, jti: randomUUID(), access };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(sign('RSA-SHA256', Buffer.from(input), key))}`;
  };

  const http401 = (res: http.ServerResponse) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"details":"invalid credentials"}');
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url!, server.realm);
    if (url.pathname !== '/token') return void res.writeHead(404).end();
    if (req.method === 'POST') {
      let text = '';
      for await (const chunk of req) text += chunk;
      const form = new URLSearchParams(text);
      const service = form.get('service') ?? '';
      const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
      const grantType = form.get('grant_type');
      let subject: string | undefined;
      if (grantType === 'refresh_token') subject = options.refreshTokens[form.get('refresh_token') ?? ''];
      else if (grantType === 'password' && options.users[form.get('username') ?? ''] === form.get('password')) subject = form.get('username')!;
      server.requests.push({ method: 'POST', service, scopes, grant: grantType === 'refresh_token' ? `refresh:${form.get('refresh_token')}` : `password:${form.get('username')}` });
      if (!subject) return http401(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ access_token: issue(subject, service, scopes), expires_in: server.lifetimeSeconds, refresh_token: form.get('refresh_token') ?? undefined }));
    }
    const service = url.searchParams.get('service') ?? '';
    const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    const [user, password] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8').split(':');
    server.requests.push({ method: 'GET', service, scopes, grant: `basic:${user ?? ''}` });
    if (options.users[user] === undefined || options.users[user] !== password) return http401(res);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ token: issue(user, service, scopes), expires_in: server.lifetimeSeconds }));
  };

  const httpServer = http.createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const server: TokenServer = {
    realm: `http://127.0.0.1:${port}/token`,
    service: 'modelos-test-registry',
    issuer: 'modelos-test-issuer',
    requests: [],
    lifetimeSeconds: 300,
    close: () =>
      new Promise((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
  return server;
}

/** A lifetime that makes a token valid for `seconds` more, given distribution's leeway. */
export function expiringIn(seconds: number): number {
  return seconds - LEEWAY_SECONDS;
}
