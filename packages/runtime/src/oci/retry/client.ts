import { discard, header, isReplayable, type Transport } from '../remote/transport';
import { isRetryableError, isRetryableStatus, retryDelay, type RetryPolicy } from './policy';

/** Sends a request again on transient failures, as long as its body can be replayed. */
export function withRetry(next: Transport, policy: RetryPolicy): Transport {
  return async (request) => {
    const replayable = isReplayable(request.body);
    for (let attempt = 0; ; attempt++) {
      let wait: number;
      try {
        const response = await next(request);
        if (!replayable || !isRetryableStatus(response.status)) return response;
        wait = retryDelay(policy, attempt, header(response, 'retry-after'));
        if (wait < 0) return { ...response, tries: attempt + 1 };
        discard(response);
      } catch (err) {
        if (!replayable || !isRetryableError(err, attempt)) throw withTries(err, attempt + 1);
        wait = retryDelay(policy, attempt);
        if (wait < 0) throw withTries(err, attempt + 1);
      }
      await policy.sleep(wait);
    }
  };
}

/** Errors say how often a request was sent before giving up (`tries`), once it was more than once. */
function withTries(err: unknown, tries: number): unknown {
  if (tries > 1 && err instanceof Error) Object.assign(err, { tries });
  return err;
}
