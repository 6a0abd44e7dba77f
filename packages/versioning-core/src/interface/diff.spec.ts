import * as path from 'node:path';
import { GitWorkspace } from '../test-support/git-workspace';
import type { InterfaceDescriptor } from './descriptor';
import { diffInterfaces, type InterfaceBump } from './diff';
import { extractInterface } from './extract';

const ENTRY = 'resources/ham/src/ham.ts';
const UNITS = 'libs/units/src/oven.ts';
const MONEY = 'libs/money/src/money.ts';

/**
 * A resource whose interface reaches OvenSettings in another project through tsconfig `paths`
 * (@acme/units, sent by callers) and Money in another through a relative import (returned).
 * Region, Glaze, Order: sent only. Doneness, BakeResult: returned only. Ticket: both ways.
 * Outcome: received by a callback the caller passes.
 */
const FILES: Record<string, string> = {
  'tsconfig.base.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@acme/units": ["libs/units/src/index.ts"] } } }',
  'resources/ham/tsconfig.json': '{ "extends": "../../tsconfig.base.json" }',
  'libs/units/src/index.ts': "export * from './oven';\n",
  [UNITS]: `export interface OvenSettings {
  temp: number;
  fan: boolean;
}
`,
  [MONEY]: `export interface Money {
  amount: number;
  currency: string;
}
`,
  [ENTRY]: `import type { OvenSettings } from '@acme/units';
import type { Money } from '../../../libs/money/src/money';

export enum Region {
  Eu = 'eu',
  Us = 'us',
}

export enum Doneness {
  Rare,
  Medium,
  Done,
}

export type Glaze = 'honey' | 'mustard';
export type Outcome = 'ok' | 'failed';

export interface BakeResult {
  doneness: Doneness;
  minutes: number;
}

export interface Order {
  weight: number;
  glaze?: Glaze;
}

export interface Ticket {
  id: string;
}

export class Ham {
  #cuts = 0;
  private cache = new Map<string, number>();

  constructor(name: string, weight: number) {}

  /** Bakes the ham. */
  bake(settings: OvenSettings, minutes: number): BakeResult {
    this.#cuts++;
    return { doneness: Doneness.Done, minutes };
  }

  price(region: Region, order: Order): Money {
    return { amount: order.weight * 10, currency: region === Region.Eu ? 'EUR' : 'USD' };
  }

  label(text: string | number, width?: number): string | null {
    return String(text).slice(0, width);
  }

  glaze(glaze: Glaze): void {}

  track(ticket: Ticket): Ticket {
    return ticket;
  }

  onDone(callback: (outcome: Outcome) => void): void {}

  static fromJson(json: string): Ham {
    return new Ham(json, 1);
  }

  protected log(message: string): void {}
}
`,
};

let ws: GitWorkspace;
beforeEach(() => {
  ws = new GitWorkspace();
  for (const [file, text] of Object.entries(FILES)) ws.write(file, text);
});
afterEach(() => ws.remove());

function describeHam(): InterfaceDescriptor {
  return extractInterface({ entryFile: path.join(ws.root, ENTRY), className: 'Ham' });
}

/** The diff across a real edit of a real source file; fails loudly when the edit does not apply. */
function diffAfter(file: string, change: (text: string) => string) {
  const before = describeHam();
  const text = ws.read(file);
  const changed = change(text);
  if (changed === text) throw new Error(`edit of ${file} changed nothing`);
  ws.write(file, changed);
  return diffInterfaces(before, describeHam());
}

type Expected = [bump: InterfaceBump, kind: string, subject: string];
type Case = [name: string, file: string, change: (text: string) => string, bump: InterfaceBump, changes: Expected[]];

const addMethod = (member: string) => (t: string) => t.replace('  protected log', `  ${member}\n\n  protected log`);

describe('diffInterfaces', () => {
  it('finds nothing between two extractions of the same sources', () => {
    expect(diffInterfaces(describeHam(), describeHam())).toEqual({ bump: 'none', changes: [] });
  });

  it('finds nothing when only comments, formatting, bodies and private or protected members change', () => {
    const diff = diffAfter(ENTRY, (t) =>
      t
        .replace('/** Bakes the ham. */', '// bakes, slowly')
        .replace('order.weight * 10', 'order.weight * 12')
        .replace('private cache', 'private other(x: number): void {}\n  private cache')
        .replace('protected log(message: string)', 'protected log(message: number, more: boolean)')
        .replace(/\n\n/g, '\n'),
    );
    expect(diff).toEqual({ bump: 'none', changes: [] });
  });

  describe('major: changes that break callers', () => {
    it.each<Case>([
      ['a removed method', ENTRY, (t) => t.replace('  glaze(glaze: Glaze): void {}\n', ''), 'major', [['major', 'method-removed', 'method glaze']]],
      ['a removed static method', ENTRY, (t) => t.replace(/ {2}static fromJson[\s\S]*?\n {2}}\n/, ''), 'major', [['major', 'method-removed', 'static method fromJson']]],
      [
        'an instance method made static (the two are distinct)',
        ENTRY,
        (t) => t.replace('  glaze(glaze', '  static glaze(glaze'),
        'major',
        [
          ['major', 'method-removed', 'method glaze'],
          ['minor', 'method-added', 'static method glaze'],
        ],
      ],
      ['a removed constructor parameter', ENTRY, (t) => t.replace('constructor(name: string, weight: number)', 'constructor(name: string)'), 'major', [['major', 'parameter-removed', 'parameter weight of the constructor']]],
      ['a removed parameter', ENTRY, (t) => t.replace('text: string | number, width?: number', 'text: string | number'), 'major', [['major', 'parameter-removed', 'parameter width of label']]],
      ['a retyped parameter', ENTRY, (t) => t.replace('minutes: number)', 'minutes: bigint)'), 'major', [['major', 'parameter-type-changed', 'parameter minutes of bake']]],
      ['a narrowed parameter', ENTRY, (t) => t.replace('text: string | number', 'text: string'), 'major', [['major', 'parameter-type-narrowed', 'parameter text of label']]],
      ['a retyped return type', ENTRY, (t) => t.replace('): BakeResult {', '): Promise<BakeResult> {'), 'major', [['major', 'return-type-changed', 'return type of bake']]],
      ['a widened return type', ENTRY, (t) => t.replace('): string | null {', '): string | null | undefined {'), 'major', [['major', 'return-type-widened', 'return type of label']]],
      ['a new required parameter', ENTRY, (t) => t.replace('minutes: number)', 'minutes: number, rested: boolean)'), 'major', [['major', 'parameter-added', 'parameter rested of bake']]],
      ['a parameter made required', ENTRY, (t) => t.replace('width?: number', 'width: number'), 'major', [['major', 'parameter-required', 'parameter width of label']]],
      ['a parameter made a rest parameter', ENTRY, (t) => t.replace('glaze(glaze: Glaze)', 'glaze(...glaze: Glaze[])'), 'major', [
        ['major', 'parameter-rest-changed', 'parameter glaze of glaze'],
        ['major', 'parameter-type-changed', 'parameter glaze of glaze'],
      ]],
      ['a removed enum member', ENTRY, (t) => t.replace("  Us = 'us',\n", ''), 'major', [['major', 'enum-member-removed', 'enum Region member Us']]],
      ['a changed enum value', ENTRY, (t) => t.replace("Us = 'us'", "Us = 'usa'"), 'major', [['major', 'enum-member-value-changed', 'enum Region member Us']]],
      ['a member added to an enum callers receive', ENTRY, (t) => t.replace('  Done,\n', '  Done,\n  Burnt,\n'), 'major', [['major', 'enum-member-added', 'enum Doneness member Burnt']]],
      [
        'a member inserted before implicit enum values (they shift)',
        ENTRY,
        (t) => t.replace('  Rare,\n', '  Raw,\n  Rare,\n'),
        'major',
        [
          ['major', 'enum-member-value-changed', 'enum Doneness member Done'],
          ['major', 'enum-member-value-changed', 'enum Doneness member Medium'],
          ['major', 'enum-member-value-changed', 'enum Doneness member Rare'],
          ['major', 'enum-member-added', 'enum Doneness member Raw'],
        ],
      ],
      ['a removed property of a type in another project (tsconfig paths)', UNITS, (t) => t.replace('  fan: boolean;\n', ''), 'major', [['major', 'property-removed', 'property fan of OvenSettings']]],
      ['a retyped property of a type in another project (relative import)', MONEY, (t) => t.replace('currency: string', 'currency: number'), 'major', [['major', 'property-type-changed', 'property currency of Money']]],
      ['a new required property of a type callers send', ENTRY, (t) => t.replace('  glaze?: Glaze;\n', '  glaze?: Glaze;\n  slices: number;\n'), 'major', [['major', 'property-added', 'property slices of Order']]],
      ['a property made optional in a type callers receive', ENTRY, (t) => t.replace('  minutes: number;\n}', '  minutes?: number;\n}'), 'major', [['major', 'property-optional', 'property minutes of BakeResult']]],
      ['a property made readonly in a type callers receive', MONEY, (t) => t.replace('  amount', '  readonly amount'), 'major', [['major', 'property-readonly', 'property amount of Money']]],
      ['a widened property of a type used both ways', ENTRY, (t) => t.replace('id: string', 'id: string | number'), 'major', [['major', 'property-type-widened', 'property id of Ticket']]],
      ['a widened type a callback receives', ENTRY, (t) => t.replace("'ok' | 'failed'", "'ok' | 'failed' | 'burnt'"), 'major', [['major', 'type-widened', 'type Outcome']]],
      ['an interface given a type parameter', MONEY, (t) => t.replace('interface Money {', 'interface Money<C = string> {'), 'major', [['major', 'type-declaration-changed', 'interface Money']]],
    ])('%s', (_, file, change, bump, expected) => {
      const diff = diffAfter(file, change);
      expect(diff.changes.map((c) => [c.bump, c.kind, c.subject])).toEqual(expected);
      expect(diff.bump).toBe(bump);
    });
  });

  describe('minor: the interface only grew', () => {
    it.each<Case>([
      ['a new method', ENTRY, addMethod('slice(count: number): string[] {\n    return [];\n  }'), 'minor', [['minor', 'method-added', 'method slice']]],
      ['a new static method', ENTRY, addMethod('static empty(): Ham {\n    return new Ham("", 0);\n  }'), 'minor', [['minor', 'method-added', 'static method empty']]],
      ['a new optional parameter', ENTRY, (t) => t.replace('minutes: number)', 'minutes: number, rested?: boolean)'), 'minor', [['minor', 'parameter-added', 'parameter rested of bake']]],
      ['a new parameter with a default value', ENTRY, (t) => t.replace('minutes: number)', 'minutes: number, rested = false)'), 'minor', [['minor', 'parameter-added', 'parameter rested of bake']]],
      ['a new rest parameter', ENTRY, (t) => t.replace('minutes: number)', 'minutes: number, ...notes: string[])'), 'minor', [['minor', 'parameter-added', 'parameter notes of bake']]],
      [
        'a new optional parameter of a new type',
        ENTRY,
        (t) => t.replace('minutes: number)', 'minutes: number, options?: BakeOptions)').replace('export class Ham', 'export interface BakeOptions {\n  crisp: boolean;\n}\n\nexport class Ham'),
        'minor',
        [
          ['minor', 'parameter-added', 'parameter options of bake'],
          ['none', 'type-added', 'interface BakeOptions'],
        ],
      ],
      ['a parameter made optional', ENTRY, (t) => t.replace('minutes: number)', 'minutes?: number)'), 'minor', [['minor', 'parameter-optional', 'parameter minutes of bake']]],
      ['a parameter union that gained a member', ENTRY, (t) => t.replace('text: string | number', 'text: string | number | boolean'), 'minor', [['minor', 'parameter-type-widened', 'parameter text of label']]],
      ['a parameter widened to unknown', ENTRY, (t) => t.replace('minutes: number)', 'minutes: unknown)'), 'minor', [['minor', 'parameter-type-widened', 'parameter minutes of bake']]],
      ['a return type that lost a union member', ENTRY, (t) => t.replace('): string | null {', '): string {'), 'minor', [['minor', 'return-type-narrowed', 'return type of label']]],
      ['a type alias callers send, widened', ENTRY, (t) => t.replace("'honey' | 'mustard'", "'honey' | 'mustard' | 'maple'"), 'minor', [['minor', 'type-widened', 'type Glaze']]],
      ['a type alias callers send, widened from literals to their primitive', ENTRY, (t) => t.replace("type Glaze = 'honey' | 'mustard'", 'type Glaze = string'), 'minor', [['minor', 'type-widened', 'type Glaze']]],
      ['a member added to an enum callers only send', ENTRY, (t) => t.replace("  Us = 'us',\n", "  Us = 'us',\n  Ca = 'ca',\n"), 'minor', [['minor', 'enum-member-added', 'enum Region member Ca']]],
      ['a new optional property of a type in another project', UNITS, (t) => t.replace('  fan: boolean;\n', '  fan: boolean;\n  steam?: boolean;\n'), 'minor', [['minor', 'property-added', 'property steam of OvenSettings']]],
      ['a property of a type callers send, made optional', UNITS, (t) => t.replace('fan: boolean', 'fan?: boolean'), 'minor', [['minor', 'property-optional', 'property fan of OvenSettings']]],
      ['a new required property of a type callers receive', ENTRY, (t) => t.replace('  minutes: number;\n}', '  minutes: number;\n  weight: number;\n}'), 'minor', [['minor', 'property-added', 'property weight of BakeResult']]],
      ['a narrowed property of a type callers receive', MONEY, (t) => t.replace('currency: string', "currency: 'EUR' | 'USD'"), 'minor', [['minor', 'property-type-narrowed', 'property currency of Money']]],
    ])('%s', (_, file, change, bump, expected) => {
      const diff = diffAfter(file, change);
      expect(diff.changes.map((c) => [c.bump, c.kind, c.subject])).toEqual(expected);
      expect(diff.bump).toBe(bump);
    });
  });

  describe('none: the client changes, its callers do not', () => {
    it.each<Case>([
      ['a renamed parameter (arguments pass by position)', ENTRY, (t) => t.replace('(json: string)', '(text: string)').replace('new Ham(json', 'new Ham(text'), 'none', [['none', 'parameter-renamed', 'parameter json of static fromJson']]],
      ['a union written in another order', ENTRY, (t) => t.replace('text: string | number', 'text: number | string'), 'none', [['none', 'parameter-type-reordered', 'parameter text of label']]],
      ['a property made readonly in a type callers send', UNITS, (t) => t.replace('  temp', '  readonly temp'), 'none', [['none', 'property-readonly', 'property temp of OvenSettings']]],
      ['an interface rewritten as a type literal', MONEY, (t) => t.replace('export interface Money {', 'export type Money = {').replace(/}\n$/, '};\n'), 'none', []],
    ])('%s', (_, file, change, bump, expected) => {
      const diff = diffAfter(file, change);
      expect(diff.changes.map((c) => [c.bump, c.kind, c.subject])).toEqual(expected);
      expect(diff.bump).toBe(bump);
    });
  });

  it('lists changes in a fixed order, each with a sentence saying what happened', () => {
    const diff = diffAfter(ENTRY, (t) =>
      addMethod('static empty(): Ham {\n    return new Ham("", 0);\n  }')(t)
        .replace('  glaze(glaze: Glaze): void {}\n', '')
        .replace("  Us = 'us',\n", '')
        .replace('minutes: number)', 'minutes: number, rested?: boolean)')
        .replace('constructor(name: string, weight: number)', 'constructor(title: string, weight: number)'),
    );
    expect(diff).toEqual({
      bump: 'major',
      changes: [
        { bump: 'none', kind: 'parameter-renamed', subject: 'parameter name of the constructor', detail: 'renamed parameter name of the constructor to title (arguments pass by position)' },
        { bump: 'minor', kind: 'parameter-added', subject: 'parameter rested of bake', detail: 'added optional parameter rested to bake' },
        { bump: 'major', kind: 'method-removed', subject: 'method glaze', detail: 'removed method glaze' },
        { bump: 'minor', kind: 'method-added', subject: 'static method empty', detail: 'added static method empty' },
        { bump: 'major', kind: 'enum-member-removed', subject: 'enum Region member Us', detail: 'removed member Us of enum Region' },
      ],
    });
  });

  it('describes type changes with both texts', () => {
    expect(diffAfter(ENTRY, (t) => t.replace('text: string | number', 'text: string | number | boolean')).changes[0].detail).toBe(
      'widened the type of parameter text of label from `string | number` to `string | number | boolean`',
    );
  });

  it('compares overloads as whole signatures', () => {
    ws.write(ENTRY, ws.read(ENTRY).replace('  glaze(glaze: Glaze): void {}', '  glaze(glaze: Glaze): void;\n  glaze(glaze: Glaze, coats: number): void;\n  glaze(glaze: Glaze, coats = 1): void {}'));
    const grown = diffAfter(ENTRY, (t) => t.replace('  glaze(glaze: Glaze, coats = 1)', '  glaze(glazes: Glaze[]): void;\n  glaze(glaze: Glaze | Glaze[], coats = 1)'));
    expect(grown).toEqual({
      bump: 'minor',
      changes: [{ bump: 'minor', kind: 'overload-added', subject: 'method glaze', detail: 'added the overload `(glazes: Glaze[]): void` to glaze' }],
    });
    const shrunk = diffAfter(ENTRY, (t) => t.replace('  glaze(glaze: Glaze, coats: number): void;\n', ''));
    expect(shrunk.changes.map((c) => [c.bump, c.kind, c.detail])).toEqual([
      ['major', 'overload-removed', 'removed the overload `(glaze: Glaze, coats: number): void` of glaze'],
    ]);
  });

  it('loads no TypeScript when no type text differs (a warm release stays fast)', () => {
    // The compiler ts-morph carries, which `../typescript` loads.
    const COMPILER = '@ts-morph/common/dist/typescript.js';
    const before = describeHam();
    ws.write(ENTRY, addMethod('slice(count: number): string[] {\n    return [];\n  }')(ws.read(ENTRY)));
    const after = describeHam();
    jest.isolateModules(() => {
      jest.doMock(COMPILER, () => {
        throw new Error('TypeScript was loaded');
      });
      const isolated = require('./diff') as typeof import('./diff');
      expect(isolated.diffInterfaces(before, after).changes.map((c) => c.kind)).toEqual(['method-added']);
      expect(() => isolated.diffInterfaces(before, { ...after, methods: [{ ...after.methods[0], returnType: 'never' }] })).toThrow('TypeScript was loaded');
    });
    jest.dontMock(COMPILER);
  });

  it('calls descriptors of another format incomparable: major', () => {
    const before = describeHam();
    const diff = diffInterfaces({ ...before, formatVersion: 0 as unknown as 1 }, before);
    expect(diff).toEqual({
      bump: 'major',
      changes: [{ bump: 'major', kind: 'format-changed', subject: 'interface', detail: 'the interface descriptor format changed (0 → 1), so the interfaces cannot be compared' }],
    });
  });
});
