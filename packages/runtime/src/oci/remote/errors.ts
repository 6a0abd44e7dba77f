import { UserError } from '../../errors';
import { isLoopback } from '../reference';
import type { ProxyInUse } from './proxy';
import { readBody, type HttpResponse } from './transport';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/** Connecting failed: said of the proxy when the request went to one. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** What a failure message needs to name the fix. */
export interface NetworkContext {
  /** Where the user would put the registry's CA: `$DOCKER_CONFIG/certs.d/<host>`. */
  certsDir: string;
  /** The proxy the request went through, if any. */
  proxy?: ProxyInUse;
}

/** Turns a network failure into one line naming the registry (or its proxy) and the fix; anything unexpected is rethrown as is. */
export function networkError(host: string, err: unknown, context: NetworkContext): Error {
  if (err instanceof UserError) return err;
  const error = err as NodeJS.ErrnoException;
  const code = error?.code;
  if (code === 'ETIMEDOUT') {
    const tries = triesOf(err);
    return new UserError(`registry ${host} did not answer (${error.message}${tries > 1 ? `, ${tries} tries` : ''}): check that it is up, then run the command again`);
  }
  if (code && context.proxy && NOT_CONNECTED.has(code)) {
    return new UserError(`${context.proxy.label} is not reachable (${[error.syscall, code].filter(Boolean).join(' ')}): check ${context.proxy.variable}, or list ${hostOnly(host)} in NO_PROXY`);
  }
  if (code && UNREACHABLE.has(code)) {
    return new UserError(`registry ${host} is not reachable (${[error.syscall, code].filter(Boolean).join(' ')})`);
  }
  if (code && UNKNOWN_AUTHORITY.has(code)) {
    return new UserError(
      `registry ${host}: certificate signed by an unknown authority: ${error.message} (${code}); trust its CA: save it as ${context.certsDir}/ca.crt (or /etc/docker/certs.d/${host}/ca.crt), or set NODE_EXTRA_CA_CERTS=<ca.pem>`,
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new UserError(`registry ${host}: its certificate is not valid for this name: ${error.message}; use a name the certificate lists, or reissue it for ${hostOnly(host)}`);
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return new UserError(`registry ${host}: its certificate is out of its validity period (${code}): renew it, or check this machine's clock`);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long/i.test(error?.message ?? '')) {
    return new UserError(`registry ${host} speaks plain HTTP, not HTTPS: use oci://${host}/<namespace>${isLoopback(host) ? '' : '?insecure=true'} (no ?tls=true)`);
  }
  if (code && /^(ERR_SSL|EPROTO|CERT_|UNABLE_TO_|ERR_TLS)/.test(code)) {
    return new UserError(
      `TLS connection to registry ${host} failed: ${error.message} (${code}); check that it speaks TLS on this port with a complete certificate chain, and that its CA is trusted (${context.certsDir}/ca.crt or NODE_EXTRA_CA_CERTS)`,
    );
  }
  return error instanceof Error ? error : new Error(String(err));
}

/** 407 from the proxy in the way: its credentials are missing or wrong. */
export function proxyRefusal(proxy: ProxyInUse, detail: string): UserError {
  return new UserError(
    proxy.hasCredentials
      ? `${proxy.label} refused its credentials (${detail}): check the user and password in ${proxy.variable}`
      : `${proxy.label} asks for credentials (${detail}): give them in ${proxy.variable}=http://<user>:<password>@${proxy.host}`,
  );
}

/** The answer of a TLS-only server (Go's net/http) to a plain HTTP request. */
export function speaksHttps(host: string, detail: string): UserError | undefined {
  if (!/HTTP request to an HTTPS server/i.test(detail)) return undefined;
  return new UserError(`registry ${host} speaks HTTPS, but was reached over plain HTTP: use oci://${host}/<namespace>?tls=true${isLoopback(host) ? '' : ' (and drop insecure)'}`);
}

/** How many times the retry layer sent the request that failed (1 when it was not retried). */
export function triesOf(failed: unknown): number {
  const tries = (failed as { tries?: unknown } | undefined)?.tries;
  return typeof tries === 'number' ? tries : 1;
}

function hostOnly(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}

/** `401 UNAUTHORIZED: authentication required` from an OCI error body, or just the status. */
export async function describeFailure(response: HttpResponse): Promise<string> {
  let body: Buffer = Buffer.alloc(0);
  try {
    body = await readBody(response, 64 * 1024);
  } catch {
    // an unreadable error body still leaves the status to report
  }
  const errors = parseErrors(body);
  // Not an OCI error document: its first line may still say what went wrong.
  const detail = errors.length
    ? errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ')
    : (body.toString('utf8').split('\n').find((line) => line.trim() && /^[\x20-\x7e]+$/.test(line.trim())) ?? '').trim().slice(0, 200);
  return detail ? `${response.status} ${detail}` : `${response.status}`;
}

function parseErrors(body: Buffer): Array<{ code?: string; message?: string }> {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: unknown; message?: unknown }> };
    if (!Array.isArray(parsed.errors)) return [];
    return parsed.errors.map((e) => ({
      code: typeof e.code === 'string' ? e.code : undefined,
      message: typeof e.message === 'string' ? e.message : undefined,
    }));
  } catch {
    return [];
  }
}
