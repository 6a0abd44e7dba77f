import { UserError } from '../../errors';
import { isLoopback } from '../reference';
import { readBody, type HttpResponse } from './transport';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/** What a TLS failure message needs to name the fix. */
export interface TlsContext {
  /** Where the user would put the registry's CA: `$DOCKER_CONFIG/certs.d/<host>`. */
  certsDir: string;
}

/** Turns a network failure into one line naming the registry and the fix; anything unexpected is rethrown as is. */
export function networkError(host: string, err: unknown, tls: TlsContext): Error {
  if (err instanceof UserError) return err;
  const error = err as NodeJS.ErrnoException;
  const code = error?.code;
  if (code === 'ETIMEDOUT') return new UserError(`registry ${host} did not answer (${error.message})`);
  if (code && UNREACHABLE.has(code)) {
    return new UserError(`registry ${host} is not reachable (${[error.syscall, code].filter(Boolean).join(' ')})`);
  }
  if (code && UNKNOWN_AUTHORITY.has(code)) {
    return new UserError(
      `registry ${host}: certificate signed by an unknown authority: ${error.message} (${code}); trust its CA: save it as ${tls.certsDir}/ca.crt (or /etc/docker/certs.d/${host}/ca.crt), or set NODE_EXTRA_CA_CERTS=<ca.pem>`,
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
      `TLS connection to registry ${host} failed: ${error.message} (${code}); check that it speaks TLS on this port with a complete certificate chain, and that its CA is trusted (${tls.certsDir}/ca.crt or NODE_EXTRA_CA_CERTS)`,
    );
  }
  return error instanceof Error ? error : new Error(String(err));
}

/** The answer of a TLS-only server (Go's net/http) to a plain HTTP request. */
export function speaksHttps(host: string, detail: string): UserError | undefined {
  if (!/HTTP request to an HTTPS server/i.test(detail)) return undefined;
  return new UserError(`registry ${host} speaks HTTPS, but was reached over plain HTTP: use oci://${host}/<namespace>?tls=true${isLoopback(host) ? '' : ' (and drop insecure)'}`);
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
