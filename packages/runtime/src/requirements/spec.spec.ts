import fc from 'fast-check';
import * as semver from 'semver';
import { UserError } from '../errors';
import { parseSpec, satisfiesSpec } from './spec';

const WHERE = 'ham/resource.json: requires.eggs';
const part = fc.integer({ min: 0, max: 3 });
const version = fc.tuple(part, part, part);
const partial = fc.array(part, { minLength: 1, maxLength: 3 });
const show = (parts: number[]) => parts.join('.');

type Tuple = [number, number, number];
const pad = (parts: number[]): Tuple => [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
const cmp = (a: Tuple, b: Tuple) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
const prefixIs = (v: Tuple, parts: number[]) => parts.every((p, i) => v[i] === p);

/** PEP 440 / Murano semantics written directly on tuples: the oracle the translation must match. */
interface PipClause {
  op: '==' | '!=' | '~=' | '>=' | '<=' | '>' | '<';
  parts: number[];
  star: boolean;
}
function pipHolds(v: Tuple, c: PipClause): boolean {
  switch (c.op) {
    case '==':
      return prefixIs(v, c.parts);
    case '!=':
      return !prefixIs(v, c.parts);
    case '~=':
      return cmp(v, pad(c.parts)) >= 0 && prefixIs(v, c.parts.slice(0, -1));
    case '>=':
      return cmp(v, pad(c.parts)) >= 0;
    case '<=':
      return cmp(v, pad(c.parts)) <= 0;
    case '>':
      return cmp(v, pad(c.parts)) > 0;
    case '<':
      return cmp(v, pad(c.parts)) < 0;
  }
}
const pipText = (c: PipClause) => `${c.op}${show(c.parts)}${c.star ? '.*' : ''}`;

const pipClause: fc.Arbitrary<PipClause> = fc.oneof(
  fc.record({ op: fc.constantFrom('==' as const, '!=' as const), parts: partial, star: fc.constant(false) }),
  fc.record({ op: fc.constantFrom('==' as const, '!=' as const), parts: fc.array(part, { minLength: 1, maxLength: 2 }), star: fc.constant(true) }),
  fc.record({ op: fc.constant('~=' as const), parts: fc.array(part, { minLength: 2, maxLength: 3 }), star: fc.constant(false) }),
  fc.record({ op: fc.constantFrom('>=' as const, '<=' as const, '>' as const, '<' as const), parts: partial, star: fc.constant(false) }),
);

describe('parseSpec', () => {
  it('translates pip-like clauses joined by commas exactly (PEP 440 / Murano meaning, checked on every version)', () => {
    fc.assert(
      fc.property(fc.array(pipClause, { minLength: 1, maxLength: 3 }), fc.array(version, { minLength: 1, maxLength: 20 }), (clauses, versions) => {
        // A single ordering clause is an npm range too; the comma makes it pip-like.
        const text = clauses.map(pipText).join(', ') + (clauses.length === 1 && !/[=!~]=/.test(pipText(clauses[0])) ? ',>=0' : '');
        const spec = parseSpec(text, WHERE);
        for (const v of versions) expect([text, show(v), satisfiesSpec(show(v), spec)]).toEqual([text, show(v), clauses.every((c) => pipHolds(v, c))]);
      }),
    );
  });

  it('reads npm ranges and partial versions as npm does', () => {
    const npmRange = fc.oneof(
      partial.map(show),
      partial.map((p) => `^${show(p)}`),
      partial.map((p) => `~${show(p)}`),
      partial.map((p) => `${show(p)}.x`.replace(/^(\d+\.\d+\.\d+)\.x$/, '$1')),
      fc.tuple(partial, partial).map(([a, b]) => `>=${show(a)} <${show(b)}`),
      fc.tuple(partial, partial).map(([a, b]) => `^${show(a)} || ${show(b)}`),
    );
    fc.assert(
      fc.property(npmRange, fc.array(version, { minLength: 1, maxLength: 20 }), (text, versions) => {
        const spec = parseSpec(text, WHERE);
        for (const v of versions) expect(satisfiesSpec(show(v), spec)).toBe(semver.satisfies(show(v), text));
      }),
    );
  });

  it.each([
    ['', ['0.0.1', '1.2.3', '9.0.0'], []],
    ['*', ['0.0.1', '9.0.0'], []],
    ['1', ['1.0.0', '1.9.9'], ['0.9.0', '2.0.0']],
    ['1.2', ['1.2.0', '1.2.7'], ['1.3.0', '1.1.9']],
    ['>=0.0.3', ['0.0.3', '5.0.0'], ['0.0.2']],
    ['==1.*', ['1.0.0', '1.5.2'], ['2.0.0', '0.9.0']],
    ['==1', ['1.0.0', '1.5.2'], ['2.0.0']],
    ['~=1.4', ['1.4.0', '1.9.0'], ['1.3.9', '2.0.0']],
    ['~=1.4.5', ['1.4.5', '1.4.9'], ['1.4.4', '1.5.0']],
    ['!=1.3.0', ['1.2.9', '1.3.1'], ['1.3.0']],
    ['>=1.2, !=1.3.0, <2', ['1.2.0', '1.3.1', '1.9.9'], ['1.1.0', '1.3.0', '2.0.0']],
  ])('%j accepts %j and refuses %j', (text, accepted, refused) => {
    const spec = parseSpec(text, WHERE);
    for (const v of accepted) expect([v, satisfiesSpec(v, spec)]).toEqual([v, true]);
    for (const v of refused) expect([v, satisfiesSpec(v, spec)]).toEqual([v, false]);
  });

  it.each(['latest', '~=1', '===1.2.3', '==1.2.3.*', '>=1,,<2', '1.2.3.4', '==foo', '^^1', '>=1, ~2', '1 ||', '|| 1', '1 || || 2', '1.2.3+build'])('refuses %j naming the file, the requirement and the forms', (text) => {
    expect(() => parseSpec(text, WHERE)).toThrow(UserError);
    expect(() => parseSpec(text, WHERE)).toThrow(`${WHERE}: ${JSON.stringify(text)} is not a version spec; accepted: an npm range`);
  });

  it('either parses any string or refuses it with one line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        try {
          parseSpec(text, WHERE);
        } catch (err) {
          expect(err).toBeInstanceOf(UserError);
          expect((err as Error).message).not.toContain('\n\n');
        }
      }),
    );
  });
});
