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
        if (wait < 0) return response;
        discard(response);
      } catch (err) {
        if (!replayable || !isRetryableError(err)) throw err;
        wait = retryDelay(policy, attempt);
        if (wait < 0) throw err;
      }
      await policy.sleep(wait);
    }
  };
}
