import { setTimeout as delay } from 'node:timers/promises';

/** When and how long to wait before sending a request again, after ORAS's default policy. */
export interface RetryPolicy {
  /** Tries in total, the first one included. */
  maxTries: number;
  /** Backoff before the first retry; it grows by `factor` with each retry. */
  baseDelayMs: number;
  factor: number;
  /** ± fraction of randomness so that many clients do not retry in lockstep. */
  jitter: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** Cap on a server's `Retry-After`. */
  maxRetryAfterMs: number;
  /** Injectable so that tests do not sleep. */
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxTries: 5,
  baseDelayMs: 250,
  factor: 2,
  jitter: 0.1,
  minDelayMs: 200,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
  sleep: (ms) => delay(ms),
  random: Math.random,
};

/** 408 Request Timeout, 429 Too Many Requests and server errors are worth another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

const RETRYABLE_ERROR_CODES = new Set(['ECONNRESET', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * Timeouts and dropped connections are transient; a refused connection or a TLS failure is not.
 * A registry that stayed silent for a whole idle timeout gets one more try, not four: each try
 * waits that timeout again, and five would hang a command for minutes without a word.
 */
export function isRetryableError(err: unknown, attempt: number): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ETIMEDOUT') return attempt === 0;
  return code !== undefined && RETRYABLE_ERROR_CODES.has(code);
}

/**
 * Milliseconds to wait before try number `attempt + 1` (`attempt` counts from 0), or -1 when
 * the policy has no tries left. A valid `Retry-After` wins over the computed backoff.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfter?: string, now = Date.now()): number {
  if (attempt + 1 >= policy.maxTries) return -1;
  const asked = retryAfter === undefined ? undefined : parseRetryAfter(retryAfter, now);
  if (asked !== undefined) {
    const extra = asked * 0.1 * policy.random();
    return clamp(Math.min(asked, policy.maxRetryAfterMs) + extra, policy.minDelayMs, policy.maxRetryAfterMs);
  }
  const base = policy.baseDelayMs * policy.factor ** attempt;
  const jittered = base * (1 - policy.jitter) + base * 2 * policy.jitter * policy.random();
  return clamp(jittered, policy.minDelayMs, policy.maxDelayMs);
}

/** `Retry-After` as delta-seconds or an HTTP date; undefined when absent, invalid or already past. */
export function parseRetryAfter(value: string, now = Date.now()): number | undefined {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return seconds > 0 ? seconds * 1000 : undefined;
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date) || date <= now) return undefined;
  return date - now;
}

function clamp(value: number, min: number, max: number): number {
  return Math.round(Math.min(Math.max(value, min), max));
}
