import { countOf } from './count';

describe('countOf', () => {
  it('agrees the noun with the count', () => {
    expect([0, 1, 2].map((n) => countOf(n, 'version'))).toEqual(['0 versions', '1 version', '2 versions']);
  });
});
