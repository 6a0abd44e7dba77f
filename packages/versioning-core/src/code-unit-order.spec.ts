import { byCodeUnits } from './code-unit-order';

describe('byCodeUnits', () => {
  it('orders by UTF-16 code units, whatever the locale would say', () => {
    // Estonian collation puts z between s and t, and any locale mixes cases and ignores punctuation first.
    expect(['zeta', 'tau', 'Zeta', 'a_b', 'a-b', 'ab', 'äb'].sort(byCodeUnits)).toEqual(['Zeta', 'a-b', 'a_b', 'ab', 'tau', 'zeta', 'äb']);
    expect(['zeta', 'tau'].sort((a, b) => new Intl.Collator('et').compare(a, b))).toEqual(['zeta', 'tau']);
  });
});
