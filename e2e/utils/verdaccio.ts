import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildServer } from './child-server';

export interface LocalNpmRegistry {
  /** e.g. http://127.0.0.1:41234/ */
  url: string;
  stop(): Promise<void>;
}

/** Scopes only a registered user may publish to, like a real registry: `@proj` with alice's token (see npmToken). */
export interface Publishers {
  scopes: string[];
  user: string;
  password: string;
}

/**
 * A Verdaccio in `dir` that serves only `@modelos/*` (publishable anonymously) and the
 * `publishers` scopes (publishable by that user only), with no uplink: everything else comes from
 * the normal npm registry through the workspace's .npmrc scoping.
 */
export async function startVerdaccio(dir: string, publishers?: Publishers): Promise<LocalNpmRegistry> {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const scoped = (publishers?.scopes ?? []).flatMap((scope) => [`  '@${scope}/*':`, '    access: $all', '    publish: $authenticated']);
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      `    max_users: ${publishers ? 1 : -1}`,
      'uplinks: {}',
      'packages:',
      "  '@modelos/*':",
      '    access: $all',
      '    publish: $anonymous',
      '    unpublish: $anonymous',
      ...scoped,
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const server = await startChildServer(join(__dirname, 'verdaccio-server.js'), [config], 'verdaccio');
  return { url: `http://127.0.0.1:${server.port}/`, stop: server.stop };
}

/** Registers `user` (CouchDB's user document, as `npm adduser` does) and returns the token for an .npmrc. */
export async function npmToken(registryUrl: string, user: string, password: string): Promise<string> {
  const response = await fetch(new URL(`-/user/org.couchdb.user:${user}`, registryUrl), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: user, password }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!body.token) throw new Error(`verdaccio refused ${user}: ${response.status} ${body.error ?? ''}`);
  return body.token;
}
