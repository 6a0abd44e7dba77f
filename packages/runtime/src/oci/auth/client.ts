import { UserError } from '../../errors';
import { isLoopback } from '../reference';
import { discard, header, isReplayable, readBody, type HttpRequest, type HttpResponse, type Transport } from '../remote/transport';
import { mergeScopes, parseWwwAuthenticate, type Challenge } from './challenge';
import type { Credentials } from './credentials';

/**
 * Answers registry challenges: on a 401 it reads `WWW-Authenticate`, then retries once with
 * Basic credentials or with a Bearer token fetched from the challenge's realm. It remembers the
 * scheme and caches tokens per scope, so later requests authenticate up front (an upload never
 * streams its body only to be refused). Credentials are looked up on the first challenge only.
 */
export class AuthClient {
  constructor(
    private readonly host: string,
    private readonly next: Transport,
    private readonly lookupCredentials: () => Promise<Credentials | undefined>,
    /** What was learnt about the host; shared by the repositories of a RegistrySession. */
    private readonly state: AuthState = new AuthState(),
  ) {}

  credentials(): Promise<Credentials | undefined> {
    this.state.credentialsLookup ??= this.lookupCredentials();
    return this.state.credentialsLookup;
  }

  /** Sends `request`, authenticating for `scopes` (e.g. `repository:ns/ham:pull,push`) when challenged. */
  async send(request: HttpRequest, scopes: string[]): Promise<HttpResponse> {
    const scopeKey = mergeScopes(scopes).join(' ');
    const upFront = await this.knownAuthorization(scopeKey);
    const first = await this.next(withAuthorization(request, upFront));
    if (first.status !== 401 || !isReplayable(request.body)) return first;

    const challenge = pickChallenge(header(first, 'www-authenticate'));
    if (!challenge) return first;
    let authorization: string;
    if (challenge.scheme === 'basic') {
      const credentials = await this.credentials();
      if (!credentials || credentials.identityToken) return first;
      this.state.scheme = 'basic';
      authorization = basicAuthorization(credentials);
    } else {
      const challenged = challenge.params.scope ? challenge.params.scope.split(' ') : [];
      const token = await this.fetchToken(challenge.params, mergeScopes([...scopes, ...challenged]), request.url).catch((err: unknown) => {
        discard(first);
        throw err;
      });
      this.state.scheme = 'bearer';
      this.state.tokens.set(scopeKey, token);
      authorization = `Bearer ${token}`;
    }
    if (authorization === upFront) return first; // exactly this was refused already
    discard(first);
    return this.next(withAuthorization(request, authorization));
  }

  /** The error for a request the registry still refuses: missing or rejected credentials. */
  async refusal(detail: string): Promise<UserError> {
    const credentials = await this.credentials();
    if (!credentials) {
      return new UserError(
        `registry ${this.host} requires authentication${detail}: run \`docker login ${this.host}\` or set MODELOS_REGISTRY_USERNAME and MODELOS_REGISTRY_PASSWORD`,
      );
    }
    return new UserError(
      `registry ${this.host} rejected the credentials of user "${credentials.username}" (from ${credentials.source})${detail}: log in again (\`docker login ${this.host}\`) or correct ${credentials.source}`,
    );
  }

  /** The error for a request the registry forbids (403): the credentials are good, the permission is missing. */
  async denial(detail: string): Promise<UserError> {
    const credentials = await this.credentials();
    const who = credentials ? `user "${credentials.username}" (from ${credentials.source})` : 'anonymous access';
    return new UserError(`registry ${this.host} denied ${who}${detail}: ask for that permission on the repository, or use credentials that have it`);
  }

  private async knownAuthorization(scopeKey: string): Promise<string | undefined> {
    if (this.state.scheme === 'basic') {
      const credentials = await this.credentials();
      return credentials && basicAuthorization(credentials);
    }
    const token = this.state.scheme === 'bearer' ? this.state.tokens.get(scopeKey) : undefined;
    return token && `Bearer ${token}`;
  }

  private async fetchToken(params: Record<string, string>, scopes: string[], challenged: URL): Promise<string> {
    const realm = params.realm ?? '';
    const url = URL.canParse(realm) ? new URL(realm) : undefined;
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      throw new UserError(`registry ${this.host} sent a Bearer challenge without a valid realm URL (an http or https URL)`);
    }
    // Credentials reached over TLS never travel in clear text to a token service elsewhere.
    if (challenged.protocol === 'https:' && url.protocol === 'http:' && !isLoopback(url.host)) {
      throw new UserError(`registry ${this.host} speaks HTTPS but names a plain HTTP token service (${url.origin}): refusing to send it credentials; its realm must be an https URL`);
    }
    const credentials = await this.credentials();
    const response = credentials?.identityToken
      ? await this.next(refreshTokenRequest(url, params.service, scopes, credentials.identityToken))
      : await this.next(basicTokenRequest(url, params.service, scopes, credentials));
    const body = await readBody(response, 1024 * 1024);
    if (response.status === 401 || response.status === 403) {
      throw await this.refusal(` (token service ${url.host} answered ${response.status} for ${scopes.join(' ') || 'no scope'})`);
    }
    if (response.status !== 200) {
      throw new UserError(`token service ${url.host} of registry ${this.host} answered ${response.status}`);
    }
    let token: unknown;
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = parsed.token ?? parsed.access_token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || !token) {
      throw new UserError(`token service ${url.host} of registry ${this.host} answered without a token`);
    }
    return token;
  }
}

/** The classic token request: `GET <realm>?service=&scope=`, with Basic credentials if any. */
function basicTokenRequest(realm: URL, service: string | undefined, scopes: string[], credentials: Credentials | undefined): HttpRequest {
  const url = new URL(realm);
  if (service) url.searchParams.set('service', service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (credentials) headers.authorization = basicAuthorization(credentials);
  return { method: 'GET', url, headers };
}

/** OAuth2 with a refresh (identity) token, as docker does: `POST <realm>` with a form. */
function refreshTokenRequest(realm: URL, service: string | undefined, scopes: string[], refreshToken: string): HttpRequest {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'modelos', service: service ?? '', scope: scopes.join(' ') });
  const body = Buffer.from(form.toString());
  return { method: 'POST', url: realm, headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) }, body };
}

function pickChallenge(value: string | undefined): Challenge | undefined {
  const challenges = parseWwwAuthenticate(value ?? '');
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
}

function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

function withAuthorization(request: HttpRequest, authorization: string | undefined): HttpRequest {
  if (!authorization) return request;
  return { ...request, headers: { ...request.headers, authorization } };
}

/**
 * What a registry host taught us: its auth scheme, its tokens per scope (scopes name the
 * repository, so repositories never share a token) and its credentials, looked up once.
 */
export class AuthState {
  scheme: 'basic' | 'bearer' | undefined;
  readonly tokens = new Map<string, string>();
  credentialsLookup: Promise<Credentials | undefined> | undefined;
}
