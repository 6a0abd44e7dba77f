import { UserError } from '../../errors';
import { readBody, type HttpResponse } from './transport';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE']);

/** Turns a network failure into one line naming the registry; anything unexpected is rethrown as is. */
export function networkError(host: string, err: unknown): Error {
  if (err instanceof UserError) return err;
  const error = err as NodeJS.ErrnoException;
  const code = error?.code;
  if (code === 'ETIMEDOUT') return new UserError(`registry ${host} did not answer (${error.message})`);
  if (code && UNREACHABLE.has(code)) {
    return new UserError(`registry ${host} is not reachable (${[error.syscall, code].filter(Boolean).join(' ')})`);
  }
  if (code && /^(ERR_SSL|EPROTO|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_TLS)/.test(code)) {
    return new UserError(
      `TLS connection to registry ${host} failed (${code}); if it serves plain HTTP, use oci://${host}/<namespace>?insecure=true`,
    );
  }
  return error instanceof Error ? error : new Error(String(err));
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
  const detail = errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
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
