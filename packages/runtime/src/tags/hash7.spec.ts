import { CLEAN_DIRTY7, short7 } from './hash7';

describe('short7', () => {
  it('takes the first 7 hex digits, lowercased', () => {
    expect(short7('ABCDEF0123456789')).toBe('abcdef0');
    expect(short7('1234567')).toBe('1234567');
    expect(CLEAN_DIRTY7).toBe('0000000');
  });

  it('refuses what is not a hash', () => {
    expect(() => short7('abc')).toThrow('expected at least 7 hex digits');
    expect(() => short7('sha256:abcdef0')).toThrow('expected at least 7 hex digits');
  });
});
