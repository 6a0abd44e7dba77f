import type { StoreResult } from '@modelos/versioning-core';

/** Human output of `store`: a line per tag, then the digest and what the push cost. */
export function formatStoreResult(result: StoreResult): string {
  const verb = result.dryRun ? 'would push' : 'pushed';
  const transfer = result.dryRun
    ? 'dry run: nothing was pushed'
    : result.unchanged
      ? 'unchanged: no blob uploaded'
      : `${result.blobsUploaded} blob(s) uploaded, ${result.bytesUploaded} bytes`;
  return [
    ...result.tags.map((tag) => `${verb} ${result.repository}:${tag}`),
    `digest ${result.digest}`,
    transfer,
  ].join('\n');
}
