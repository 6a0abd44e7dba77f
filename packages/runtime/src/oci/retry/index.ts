export { defaultRetryPolicy, isRetryableError, isRetryableStatus, parseRetryAfter, retryDelay, type RetryPolicy } from './policy';
export { withRetry } from './client';
