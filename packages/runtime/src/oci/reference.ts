import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors';

export type RegistryReference =
  | { kind: 'remote'; host: string /* host[:port] */; namespace: string; plainHttp: boolean }
  | { kind: 'layout'; dir: string /* absolute */ };

const FORMS = 'use oci://host[:port]/namespace[?insecure=true|?tls=true], a directory path or a file:///abs/dir URL';

/** OCI distribution spec: lowercase components joined by `/`. */
const NAME_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const MAX_NAME_LENGTH = 255;

const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface ParseOptions {
  /** Allow plain HTTP for a host that is not a loopback address. */
  insecure?: boolean;
  /**
   * What a scheme-less reference that starts with a host (`ghcr.io/acme`) means: `remote` for
   * mdl's command-line arguments (the SPEC's `acme.org/ml-project:…` form), else an error asking
   * for `oci://`, so that a mistyped registry never becomes a local directory.
   */
  schemelessHost?: 'remote' | 'refuse';
}

/** Parses `oci://host[:port]/namespace`, a filesystem path (relative to `cwd`) or a `file:` URL. */
export function parseRegistryReference(input: string, cwd: string, options: ParseOptions = {}): RegistryReference {
  const trimmed = input.trim();
  if (!trimmed) throw new UserError(`empty registry reference: ${FORMS}`);
  refuseCredentials(trimmed, cwd);
  if (/^oci:\/\//i.test(trimmed)) return parseRemote(trimmed, options);
  if (/^file:/i.test(trimmed)) return { kind: 'layout', dir: fileUrlDir(trimmed) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) throw new UserError(`unsupported registry reference "${redactCredentials(trimmed)}": ${FORMS}`);
  if (startsWithHost(trimmed, cwd)) {
    if (options.schemelessHost === 'remote') return parseRemote(`oci://${trimmed}`, options);
    throw new UserError(
      `registry reference "${redactCredentials(trimmed)}" looks like a host without a scheme: write oci://${redactCredentials(trimmed)} for a registry, or ./${redactCredentials(trimmed)} for a directory`,
    );
  }
  return { kind: 'layout', dir: path.resolve(cwd, trimmed) };
}

/**
 * A scheme-less reference whose first segment looks like a host (has a `.` or `:`, is
 * `localhost` or a bracketed IPv6 address) and is not an existing file or directory.
 */
function startsWithHost(text: string, cwd: string): boolean {
  if (text.startsWith('.') || path.isAbsolute(text)) return false;
  const first = firstSegment(text);
  const hostLike = first === 'localhost' || first.includes('.') || first.includes(':') || first.startsWith('[');
  return hostLike && !fs.existsSync(path.resolve(cwd, first));
}

function firstSegment(text: string): string {
  return text.split(/[/\\]/)[0];
}

/**
 * Credentials never travel in a reference (they would end up in nx.json, shell history and
 * logs); the error shows the reference with them masked.
 */
function refuseCredentials(text: string, cwd: string): void {
  // A file: URL names a directory, which may hold `@` (`…/@scope/…`).
  if (/^file:/i.test(text)) return;
  // Any `@` before the query: a password or token may itself hold `/` (base64), and no host or repository name has `@`.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\/[^?#]*@/i.test(text);
  // `user:pass@host/ns`, or `user:pa/ss@host`; `node_modules/@scope/dir` is a path.
  const userInfo = firstSegment(text).includes('@') || (!path.isAbsolute(text) && /^[^/\\]*:[^?#]*@/.test(text));
  const schemeless = userInfo && !fs.existsSync(path.resolve(cwd, firstSegment(text)));
  if (withScheme || schemeless) {
    throw new UserError(
      `registry reference "${redactCredentials(text)}" must not carry credentials: put them in docker's config.json (docker login) or in MODELOS_REGISTRY_USERNAME/MODELOS_REGISTRY_PASSWORD`,
    );
  }
}

/**
 * The text with its `user:pass@` masked (up to the last `@` before the query: a password may hold
 * `/`) and the values of query parameters other than ours: what error messages may repeat.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^?#\s]*@/i, '$1***@')
    .replace(/([?&](?!(?:insecure|tls)=)[^=&#]*=)[^&#]*/gi, '$1***');
}

function parseRemote(input: string, options: ParseOptions): RegistryReference {
  const match = /^oci:\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?$/i.exec(input);
  if (!match) throw new UserError(`invalid registry reference "${redactCredentials(input)}": ${FORMS}`);
  const [, authority, rawPath, query] = match;
  const host = parseHost(authority, input);
  const namespace = rawPath.replace(/^\/|\/$/g, '');
  if (namespace) assertRepositoryName(namespace, 'namespace', `registry reference "${redactCredentials(input)}"`);
  const { insecure, tls } = parseQuery(query, input);
  if (tls && (insecure ?? options.insecure)) throw new UserError(`registry reference "${redactCredentials(input)}" asks for both tls and insecure: choose one`);
  const plainHttp = !tls && ((insecure ?? options.insecure ?? false) || isLoopback(host));
  return { kind: 'remote', host, namespace, plainHttp };
}

function parseHost(authority: string, input: string): string {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(authority);
  const name = match?.[1] ?? '';
  const port = match?.[2];
  const validName = DNS_NAME.test(name) || IPV6.test(name);
  const validPort = port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
  if (!validName || !validPort) {
    throw new UserError(`invalid registry host "${authority}" in "${redactCredentials(input)}": expected host[:port], e.g. oci://ghcr.io/acme or oci://127.0.0.1:5000/ml`);
  }
  const host = name.toLowerCase();
  return port === undefined ? host : `${host}:${port}`;
}

/** `insecure=true|false` (plain HTTP beyond loopback) and `tls=true|false` (HTTPS on a loopback host). */
function parseQuery(query: string | undefined, input: string): { insecure?: boolean; tls?: boolean } {
  const chosen: { insecure?: boolean; tls?: boolean } = {};
  for (const [key, value] of new URLSearchParams(query ?? '')) {
    if ((key !== 'insecure' && key !== 'tls') || !['true', 'false'].includes(value)) {
      // The value is shown only for our own keys: any other may be a token.
      const shown = key === 'insecure' || key === 'tls' ? `${key}=${value}` : key;
      throw new UserError(`unsupported query "${shown}" in registry reference "${redactCredentials(input)}": only insecure=true|false and tls=true|false are allowed`);
    }
    chosen[key] = value === 'true';
  }
  return chosen;
}

function fileUrlDir(input: string): string {
  if (!/^file:\/\//i.test(input)) {
    throw new UserError(`file: URL "${redactCredentials(input)}" must be absolute (file:///abs/dir); ${FORMS}`);
  }
  try {
    return fileURLToPath(input);
  } catch (err) {
    throw new UserError(`invalid file: URL "${redactCredentials(input)}" (${(err as Error).message}); ${FORMS}`);
  }
}

function hostname(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}

/** Loopback hosts are reached over plain HTTP by default (`?tls=true` for HTTPS); everything else needs TLS or `insecure`. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(hostname(host));
}

/** Canonical text form; parsing it gives the same reference back. */
export function formatRegistryReference(ref: RegistryReference): string {
  if (ref.kind === 'layout') return ref.dir;
  const base = `oci://${ref.host}${ref.namespace ? `/${ref.namespace}` : ''}`;
  if (isLoopback(ref.host)) return ref.plainHttp ? base : `${base}?tls=true`;
  return ref.plainHttp ? `${base}?insecure=true` : base;
}

export interface ResolveRegistryInput {
  /** `--registry` target option (highest precedence). */
  option?: string;
  /** Environment holding MODELOS_REGISTRY (defaults to process.env). */
  env?: NodeJS.ProcessEnv;
  /** `registry` option of the Nx plugin in nx.json. */
  pluginOption?: string;
  /** Workspace root: relative paths resolve against it, and the embedded default lives in it. */
  workspaceRoot: string;
  insecure?: boolean;
}

/** Target option, then env MODELOS_REGISTRY, then the plugin option, then `<root>/.modelos/registry`. */
export function resolveRegistry(input: ResolveRegistryInput): RegistryReference {
  const env = input.env ?? process.env;
  const chosen = [input.option, env.MODELOS_REGISTRY, input.pluginOption].find((value) => value && value.trim());
  if (!chosen) return { kind: 'layout', dir: embeddedRegistryDir(input.workspaceRoot) };
  return parseRegistryReference(chosen, input.workspaceRoot, { insecure: input.insecure });
}

export function embeddedRegistryDir(workspaceRoot: string): string {
  return path.join(path.resolve(workspaceRoot), '.modelos', 'registry');
}

export const REPOSITORY_NAME_RULE = `use lowercase components [a-z0-9] separated by ".", "_", "__" or "-", joined by "/" (at most ${MAX_NAME_LENGTH} characters)`;

export function isRepositoryName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && name.split('/').every((component) => NAME_COMPONENT.test(component));
}

/** Throws a UserError unless `name` is a valid OCI repository name (or namespace). */
export function assertRepositoryName(name: string, what = 'repository name', context?: string): void {
  if (!isRepositoryName(name)) throw new UserError(`invalid ${what} "${name}"${context ? ` in ${context}` : ''}: ${REPOSITORY_NAME_RULE}`);
}

/** The repository a resource lives in: `<namespace>/<name>` (remote) or `<dir>/<name>` (layout). */
export function repositoryPath(registry: RegistryReference, name: string): string {
  assertRepositoryName(name, 'resource repository name');
  if (registry.kind === 'layout') return path.join(registry.dir, ...name.split('/'));
  const full = registry.namespace ? `${registry.namespace}/${name}` : name;
  assertRepositoryName(full);
  return full;
}
