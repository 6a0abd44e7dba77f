import { serveTokenHeaders } from '@modelos/runtime/client';
import { formatPercent } from '../environments/weights';
import { UserError } from '../errors';
import { formatTable } from '../format/table';
import type { EndpointStatus } from './routing';

const STATUS_TIMEOUT_MS = 10_000;

/**
 * `GET <url>/-/status` of a running endpoint, with `MODELOS_SERVE_TOKEN` when set (an endpoint
 * bound beyond loopback wants it); no answer in `timeoutMs` (default 10 s) is an error, not a hang.
 */
export async function fetchEndpointStatus(url: string, options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<EndpointStatus> {
  const { env = process.env, timeoutMs = STATUS_TIMEOUT_MS } = options;
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new UserError(`invalid endpoint URL "${url}": expected http://host:port, e.g. http://127.0.0.1:8080`);
  }
  let response: Response;
  try {
    response = await fetch(new URL('/-/status', base), { headers: serveTokenHeaders(env), signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    if ((err as Error).name === 'TimeoutError') throw new UserError(`the endpoint at ${base.origin} did not answer GET /-/status in ${timeoutMs / 1000} s`);
    throw new UserError(`no endpoint answers at ${base.origin}: ${((err as Error).cause as Error | undefined)?.message ?? (err as Error).message}; start one with mdl endpoint <registry>:<resource>@<env>`);
  }
  if (response.status === 401) {
    const fix = env.MODELOS_SERVE_TOKEN ? 'MODELOS_SERVE_TOKEN is not its token: fix it' : 'set MODELOS_SERVE_TOKEN to its token';
    throw new UserError(`the endpoint at ${base.origin} wants a bearer token: ${fix}`);
  }
  const status = (await response.json().catch(() => null)) as EndpointStatus | null;
  if (!response.ok || !status || !Array.isArray(status.versions)) throw new UserError(`${base.origin} is not a ModelOS endpoint: GET /-/status answered ${response.status}`);
  return status;
}

/** The status as people read it: one line for the environment, a row per version. */
export function formatEndpointStatus(status: EndpointStatus): string {
  const ms = (value: number | null) => (value === null ? '-' : `${value} ms`);
  const head = `${status.resource}@${status.environment} #${status.entry.n} (${status.entry.action} by ${status.entry.who}, ${status.entry.time})`;
  const table = formatTable(
    ['version', 'share', 'replicas', 'instances', 'requests', 'errors', 'error rate', 'p50', 'p99'],
    status.versions.map((v) => [
      v.draining ? `${v.version} (draining)` : v.version,
      formatPercent(v.share),
      `${v.replicasUp}/${v.replicas}`,
      String(v.instances),
      String(v.requests),
      String(v.errors),
      formatPercent(v.errorRate),
      ms(v.p50Ms),
      ms(v.p99Ms),
    ]),
  );
  return [head, table, ...(status.lastError ? [`last error following the environment: ${status.lastError}`] : [])].join('\n');
}
