import * as fc from 'fast-check';
import { UserError } from '../errors';
import { assertOneMajor, formatWeights, leadingVersion, parseWeights, shares } from './weights';

const versions = fc.uniqueArray(
  fc.tuple(fc.nat(3), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `v${a}.${b}.${c}`),
  { minLength: 1, maxLength: 6 },
);
const weight = fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0.001, max: 1, noNaN: true }).map((w) => Number(w.toFixed(3))).filter((w) => w > 0));

describe('parseWeights', () => {
  it('reads back what formatWeights writes, whatever the versions and proportional weights', () => {
    fc.assert(
      fc.property(versions.chain((vs) => fc.tuple(fc.constant(vs), fc.array(weight, { minLength: vs.length, maxLength: vs.length }))), ([vs, ws]) => {
        const given = vs.map((version, i) => ({ version, weight: ws[i] }));
        const parsed = parseWeights(formatWeights(given));
        expect(new Map(parsed.map((w) => [w.version, w.weight]))).toEqual(new Map(given.map((w) => [w.version, w.weight])));
        const total = [...shares(parsed).values()].reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(1, 9);
      }),
    );
  });

  it('takes integers and fractions alike, with or without the v, newest first, and drops zero weights', () => {
    expect(parseWeights('v1.0.0=90,1.1.0=10')).toEqual([
      { version: 'v1.1.0', weight: 10 },
      { version: 'v1.0.0', weight: 90 },
    ]);
    expect(shares(parseWeights('v1.0.0=0.9, v1.1.0=0.1')).get('v1.1.0')).toBeCloseTo(0.1);
    expect(parseWeights('v1.0.0=1,v1.1.0=0')).toEqual([{ version: 'v1.0.0', weight: 1 }]);
  });

  it.each([
    ['v1.0.0', 'at "v1.0.0"'],
    ['v1.0.0=ninety', 'at "v1.0.0=ninety"'],
    ['v1.0.0=-5,v1.1.0=5', 'at "v1.0.0=-5"'],
    ['v1.0.0=1e3', 'at "v1.0.0=1e3"'],
    ['latest=10', 'at "latest=10"'],
    ['v1.0.0=5=5', 'at "v1.0.0=5=5"'],
    ['', 'at ""'],
    ['v1.0.0=0,v1.1.0=0', 'they sum to 0'],
    ['v1.0.0=50,1.0.0=50', 'v1.0.0 is given twice'],
  ])('refuses %j with one line naming the problem', (text, problem) => {
    const error = (() => {
      try {
        parseWeights(text);
      } catch (err) {
        return err as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain(problem);
    expect(error.message).not.toContain('\n');
  });

  it('any text either parses or is refused with a UserError, never another exception', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        try {
          parseWeights(text);
        } catch (err) {
          expect(err).toBeInstanceOf(UserError);
        }
      }),
    );
  });
});

describe('assertOneMajor and leadingVersion', () => {
  it('refuses a split across majors, naming both', () => {
    expect(() => assertOneMajor(parseWeights('v1.4.0=90,v2.0.0=10'))).toThrow(/across majors.*v2\.0\.0 \(v2\) and v1\.4\.0 \(v1\)/);
    expect(() => assertOneMajor(parseWeights('v1.4.0=90,v1.5.0=10'))).not.toThrow();
  });

  it('leads with the largest weight, the newest among equals', () => {
    expect(leadingVersion(parseWeights('v1.0.0=90,v1.1.0=10'))).toBe('v1.0.0');
    expect(leadingVersion(parseWeights('v1.0.0=50,v1.1.0=50'))).toBe('v1.1.0');
  });
});
