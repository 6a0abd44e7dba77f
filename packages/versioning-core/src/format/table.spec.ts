import { formatTable } from './table';

describe('formatTable', () => {
  it('aligns columns under upper-case headers', () => {
    expect(formatTable(['tag', 'kind'], [['v1.0.0', 'release'], ['latest', 'latest']])).toBe(
      ['TAG     KIND', 'v1.0.0  release', 'latest  latest'].join('\n'),
    );
  });

  it('prints only the header for no rows', () => {
    expect(formatTable(['tag', 'digest'], [])).toBe('TAG  DIGEST');
  });
});
