import type { StoreResult } from '@modelos/versioning-core/store';
import { formatStoreSummary } from './format-store-summary';

const result = (extra: Partial<StoreResult>): StoreResult => ({
  repository: '127.0.0.1:5000/ml/ham',
  tags: ['abc1234-0000000-def5678'],
  digest: 'sha256:1234',
  clientHash: 'def5678',
  closureCommit: 'abc1234',
  dirtyHash: null,
  blobsUploaded: 0,
  bytesUploaded: 0,
  blobsMounted: 0,
  requests: 1,
  unchanged: false,
  dryRun: false,
  ...extra,
});

describe('formatStoreSummary', () => {
  it('names the tags a dry run found already at this content (the core logs only the ones it would push)', () => {
    expect(formatStoreSummary(result({ dryRun: true, unchanged: true }))).toBe(
      'digest sha256:1234\ndry run: nothing was pushed; 127.0.0.1:5000/ml/ham:abc1234-0000000-def5678 already at this digest',
    );
    expect(formatStoreSummary(result({ dryRun: true }))).toBe('digest sha256:1234\ndry run: nothing was pushed');
  });

  it('says what a push cost, or that nothing moved', () => {
    expect(formatStoreSummary(result({ unchanged: true }))).toMatch(/unchanged: .*:abc1234-0000000-def5678 already at this digest, nothing uploaded$/);
    expect(formatStoreSummary(result({ blobsUploaded: 2, bytesUploaded: 1300, blobsMounted: 1 }))).toMatch(/uploaded 2 blob\(s\), 1300 bytes; mounted 1 from sibling repositories$/);
  });
});
