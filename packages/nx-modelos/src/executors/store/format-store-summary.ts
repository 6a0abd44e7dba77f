import type { StoreResult } from '@modelos/versioning-core/store';

/**
 * What follows the core's "pushed <repository>:<tag>" lines in human output: the digest and
 * what the push cost, or why nothing moved.
 */
export function formatStoreSummary(result: StoreResult): string {
  const refs = result.tags.map((tag) => `${result.repository}:${tag}`).join(', ');
  const outcome = result.dryRun
    ? `dry run: nothing was pushed${result.unchanged ? `; ${refs} already at this digest` : ''}`
    : result.unchanged
      ? `unchanged: ${refs} already at this digest, nothing uploaded`
      : `uploaded ${result.blobsUploaded} blob(s), ${result.bytesUploaded} bytes${result.blobsMounted ? `; mounted ${result.blobsMounted} from sibling repositories` : ''}`;
  return `digest ${result.digest}\n${outcome}`;
}
