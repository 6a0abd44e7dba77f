import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { clientHash } from './client-hash';
import type { InterfaceDescriptor } from './descriptor';
import { extractInterface } from './extract';
import { GitWorkspace } from '../test-support/git-workspace';

const ENTRY = 'resources/ham/src/ham.ts';

/**
 * A resource whose interface reaches a type of another project through tsconfig `paths`
 * (@acme/units) and one through a relative import into another directory (libs/glazes).
 */
const FILES: Record<string, string> = {
  'tsconfig.base.json': `{
    // Nx-style path mapping, with the comments and trailing commas tsconfig allows
    "compilerOptions": { "baseUrl": ".", "paths": { "@acme/units": ["libs/units/src/index.ts"], }, },
  }`,
  'resources/ham/tsconfig.json': '{ "extends": "../../tsconfig.base.json" }',
  'libs/units/src/index.ts': "export * from './temperature';\n",
  'libs/units/src/temperature.ts': `
export type Celsius = number;
export interface OvenSettings {
  temp: Celsius;
  fan: boolean;
}
`,
  'libs/glazes/src/glaze.ts': "export type Glaze = 'honey' | 'mustard';\n",
  [ENTRY]: `import type { OvenSettings } from '@acme/units';
import { Glaze } from '../../../libs/glazes/src/glaze';

/** How done the ham is. */
export enum Doneness {
  Rare = 'rare',
  Done = 'done',
}

export interface BakeResult {
  doneness: Doneness;
  glaze?: Glaze;
}

export class Ham {
  #cuts = 0;
  private cache = new Map<string, number>();

  constructor(public readonly name: string, private weight = 1) {}

  protected log(message: string): void {
    console.log(message);
  }

  /** Bakes the ham. */
  bake(settings: OvenSettings, minutes: number): BakeResult {
    this.#cuts++;
    return { doneness: minutes > 60 ? Doneness.Done : Doneness.Rare };
  }

  static fromJson(json: string): Ham {
    return new Ham(JSON.parse(json).name);
  }
}
`,
};

// Real files in a temp dir; git itself plays no part here.
let ws: GitWorkspace;
beforeEach(() => {
  ws = new GitWorkspace();
  for (const [file, text] of Object.entries(FILES)) ws.write(file, text);
});
afterEach(() => ws.remove());

const inWorkspace = (file: string) => path.join(ws.root, file);

/** Rewrites a file; fails loudly when the edit does not apply, so that no test passes by accident. */
function edit(file: string, change: (text: string) => string): void {
  const before = ws.read(file);
  const after = change(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  ws.write(file, after);
}

function describeHam(className = 'Ham'): InterfaceDescriptor {
  return extractInterface({ entryFile: inWorkspace(ENTRY), className });
}

function hashAfter(file: string, change: (text: string) => string): { before: string; after: string } {
  const before = clientHash(describeHam());
  edit(file, change);
  return { before, after: clientHash(describeHam()) };
}

describe('extractInterface', () => {
  it('describes constructor, public and static methods and the types they reach, across projects', () => {
    expect(describeHam()).toEqual({
      formatVersion: 1,
      className: 'Ham',
      typeParameters: [],
      extends: null,
      constructors: [
        {
          parameters: [
            { name: 'name', type: 'string', optional: false, rest: false },
            { name: 'weight', type: 'unknown', optional: true, rest: false },
          ],
        },
      ],
      methods: [
        {
          name: 'bake',
          typeParameters: [],
          parameters: [
            { name: 'settings', type: 'OvenSettings', optional: false, rest: false },
            { name: 'minutes', type: 'number', optional: false, rest: false },
          ],
          returnType: 'BakeResult',
        },
      ],
      staticMethods: [
        {
          name: 'fromJson',
          typeParameters: [],
          parameters: [{ name: 'json', type: 'string', optional: false, rest: false }],
          returnType: 'Ham',
        },
      ],
      types: [
        { name: 'BakeResult', kind: 'interface', text: 'interface BakeResult { doneness: Doneness; glaze?: Glaze; }' },
        { name: 'Celsius', kind: 'type', text: 'type Celsius = number;' },
        { name: 'Doneness', kind: 'enum', text: 'enum Doneness { Rare = "rare", Done = "done" }' },
        { name: 'Glaze', kind: 'type', text: 'type Glaze = "honey" | "mustard";' },
        { name: 'OvenSettings', kind: 'interface', text: 'interface OvenSettings { temp: Celsius; fan: boolean; }' },
      ],
    });
    expect(clientHash(describeHam())).toMatch(/^[0-9a-f]{64}$/);
  });

  describe('keeps the hash when only these change', () => {
    it.each<[string, string, (text: string) => string]>([
      ['comments and JSDoc', ENTRY, (t) => t.replace('/** Bakes the ham. */', '// bakes\n  /** @param minutes cooking time */').replace('{\n  Rare', '{ /* first */\n  Rare')],
      ['formatting and quote style', ENTRY, (t) => t.replace(/\n\s*/g, ' ').replace(/'/g, '"').replace('Done = "done",', 'Done = "done"')],
      ['method bodies', ENTRY, (t) => t.replace('minutes > 60', 'minutes >= 45').replace('JSON.parse(json).name', "'ham'")],
      ['private, protected and # members', ENTRY, (t) => t.replace('#cuts = 0;', '#cuts = 0;\n  #other(): string { return ""; }\n  private extra(x: number): void {}').replace('protected log(message: string)', 'protected log(message: number, more: string)')],
      ['member order', ENTRY, (t) => t.replace(/(\n {2}\/\*\* Bakes[\s\S]*?\n {2}}\n)([\s\S]*?\n {2}}\n)/, '$2$1')],
      ['default values', ENTRY, (t) => t.replace('private weight = 1', 'private weight = 2')],
      ['unreferenced declarations', ENTRY, (t) => `${t}\nexport interface Unused { x: number }\nfunction helper(): void {}\n`],
      ['another project, outside what the interface reaches', 'libs/units/src/temperature.ts', (t) => `// units\n${t}export type Fahrenheit = number;\n`],
      ['another project, only comments', 'libs/glazes/src/glaze.ts', (t) => `/** Glazes. */\n${t.replace("'honey' |", "'honey' | // sweet\n")}`],
    ])('%s', (_, file, change) => {
      const { before, after } = hashAfter(file, change);
      expect(after).toBe(before);
    });
  });

  describe('changes the hash when these change', () => {
    it.each<[string, string, (text: string) => string]>([
      ['a new public method', ENTRY, (t) => t.replace('  static fromJson', '  slice(count: number): string[] {\n    return [];\n  }\n\n  static fromJson')],
      ['a new static method', ENTRY, (t) => t.replace('  static fromJson', '  static empty(): Ham {\n    return new Ham("");\n  }\n\n  static fromJson')],
      ['a private method made public', ENTRY, (t) => t.replace('protected log', 'log')],
      ['a parameter type', ENTRY, (t) => t.replace('minutes: number', 'minutes: bigint')],
      ['a parameter made optional', ENTRY, (t) => t.replace('minutes: number', 'minutes?: number')],
      ['a parameter added', ENTRY, (t) => t.replace('minutes: number', 'minutes: number, rested: boolean')],
      ['a parameter renamed (the generated client repeats names)', ENTRY, (t) => t.replace('(json: string)', '(text: string)')],
      ['a return type', ENTRY, (t) => t.replace('): BakeResult {', '): Promise<BakeResult> {')],
      ['a constructor parameter', ENTRY, (t) => t.replace('private weight = 1', 'private weight: number')],
      ['a referenced type in the entry file', ENTRY, (t) => t.replace('glaze?: Glaze;', 'glaze: Glaze;')],
      ['an enum value', ENTRY, (t) => t.replace("Done = 'done'", "Done = 'well-done'")],
      ['a type in another project, reached through tsconfig paths', 'libs/units/src/temperature.ts', (t) => t.replace('Celsius = number', 'Celsius = string')],
      ['a type in another directory, reached by a relative import', 'libs/glazes/src/glaze.ts', (t) => t.replace("'mustard'", "'mustard' | 'maple'")],
    ])('%s', (_, file, change) => {
      const { before, after } = hashAfter(file, change);
      expect(after).not.toBe(before);
    });
  });

  it('refuses a missing entry file, naming the file and the class', () => {
    fs.rmSync(inWorkspace(ENTRY));
    expect(() => describeHam()).toThrow(UserError);
    expect(() => describeHam()).toThrow(`cannot read ${inWorkspace(ENTRY)}, the entry file of class "Ham": no such file`);
  });

  it('refuses a class that the entry file does not export', () => {
    expect(() => describeHam('Bacon')).toThrow(
      `class "Bacon" is not exported by ${inWorkspace(ENTRY)}: the resource's class must be an exported class of its entry file`,
    );
    expect(() => describeHam('BakeResult')).toThrow(UserError);
    edit(ENTRY, (t) => t.replace('export class Ham', 'class Ham'));
    expect(() => describeHam()).toThrow(UserError);
  });
});

describe('name resolution', () => {
  function describeEntry(files: Record<string, string>, className: string): InterfaceDescriptor {
    for (const [file, text] of Object.entries(files)) ws.write(file, text);
    return extractInterface({ entryFile: inWorkspace('src/entry.ts'), className });
  }

  it('follows re-exports, aliases, default and namespace imports, and names npm types by package', () => {
    const descriptor = describeEntry(
      {
        'src/entry.ts': `
import * as shapes from './shapes';
import Size, { Color as Colour } from './colors';
import type { Readable } from 'node:stream';
export { Paint } from './paint';
export class Palette {
  mix(a: Colour, b: shapes.Shape, size: Size): Readable { return null!; }
}`,
        'src/shapes.ts': "export { Circle as Shape } from './circle';",
        'src/circle.ts': 'export interface Circle { radius: number }',
        'src/colors.ts': 'export type Color = "red"; export default interface Size { px: number }',
        'src/paint.ts': 'export class Paint { dry(): void {} }',
      },
      'Palette',
    );
    expect(descriptor.methods[0].parameters.map((p) => p.type)).toEqual(['Color', 'Circle', 'Size']);
    expect(descriptor.methods[0].returnType).toBe('import("node:stream").Readable');
    expect(descriptor.types.map((t) => t.name)).toEqual(['Circle', 'Color', 'Size']);
    expect(extractInterface({ entryFile: inWorkspace('src/entry.ts'), className: 'Paint' }).methods[0].name).toBe('dry');
  });

  it('tells apart two types of one name from different files', () => {
    const descriptor = describeEntry(
      {
        'src/entry.ts': `
import { Options as RemoteOptions } from './remote';
interface Options { local: true }
export class Client { open(local: Options, remote: RemoteOptions): void {} }`,
        'src/remote.ts': 'export interface Options { remote: true }',
      },
      'Client',
    );
    expect(descriptor.methods[0].parameters.map((p) => p.type)).toEqual(['Options', 'Options$2']);
    expect(descriptor.types).toEqual([
      { name: 'Options', kind: 'interface', text: 'interface Options { local: true; }' },
      { name: 'Options$2', kind: 'interface', text: 'interface Options$2 { remote: true; }' },
    ]);
  });

  it('records overload signatures, not the implementation, and leaves type parameters unresolved', () => {
    const descriptor = describeEntry(
      {
        'src/entry.ts': `
type T = { shadowed: true };
export class Cutter<T> {
  cut(n: number): string;
  cut(n: string): string;
  cut(n: number | string): string { return String(n); }
  map<U>(f: (t: T) => U): U[] { return []; }
}`,
      },
      'Cutter',
    );
    expect(descriptor.typeParameters).toEqual(['T']);
    expect(descriptor.methods.map((m) => `${m.name}(${m.parameters[0].type}): ${m.returnType}`)).toEqual([
      'cut(number): string',
      'cut(string): string',
      'map((t: T) => U): U[]',
    ]);
    expect(descriptor.types).toEqual([]);
  });

  it('includes methods inherited from a base class in the workspace, and its constructor', () => {
    const descriptor = describeEntry(
      {
        'src/entry.ts': `
import { Base } from './base';
export class Derived extends Base<number> {
  run(): number { return 1; }
}`,
        'src/base.ts': `
export class Base<T> {
  constructor(protected readonly seed: T) {}
  run(): T { return this.seed; }
  stop(): void {}
  private hidden(): void {}
}`,
      },
      'Derived',
    );
    expect(descriptor.extends).toBe('Base<number>');
    expect(descriptor.constructors).toEqual([{ parameters: [{ name: 'seed', type: 'T', optional: false, rest: false }] }]);
    expect(descriptor.methods.map((m) => `${m.name}: ${m.returnType}`)).toEqual(['run: number', 'stop: void']);
    expect(descriptor.types).toEqual([
      { name: 'Base', kind: 'class', text: 'class Base<T> { constructor(seed: T); run(): T; stop(): void; }' },
    ]);
  });

  it('has no constructors when the constructor is private', () => {
    const descriptor = describeEntry(
      { 'src/entry.ts': 'export class Single { private constructor() {} static get(): Single { return new Single(); } }' },
      'Single',
    );
    expect(descriptor.constructors).toEqual([]);
    expect(descriptor.noPublicConstructor).toBe(true);
    expect(descriptor.staticMethods.map((m) => m.name)).toEqual(['get']);
  });

  it('says no constructor is public, also when a base class in the workspace hides it, and only then', () => {
    const files = {
      'src/entry.ts': `
import { Base } from './base';
export class Hidden extends Base {}
export class Own extends Base { private constructor() { super(); } }
export class Outside extends Error {}
export class Plain { run(): void {} }`,
      'src/base.ts': 'export class Base { protected constructor() {} }',
    };
    expect(describeEntry(files, 'Hidden')).toMatchObject({ constructors: [], noPublicConstructor: true });
    expect(describeEntry(files, 'Own')).toMatchObject({ constructors: [], noPublicConstructor: true });
    // A base outside the workspace: its constructors are unknown here, not hidden.
    expect(describeEntry(files, 'Outside')).not.toHaveProperty('noPublicConstructor');
    expect(describeEntry(files, 'Plain')).not.toHaveProperty('noPublicConstructor');
  });
});

describe('the summary cache', () => {
  const cacheDir = () => inWorkspace('.modelos/cache/interface');
  const describeCached = () => extractInterface({ entryFile: inWorkspace(ENTRY), className: 'Ham', cacheDir: cacheDir() });

  /** A fresh module registry: what a new process sees, with an empty in-memory cache. */
  function inNewModuleRegistry<T>(run: (extract: typeof extractInterface) => T): T {
    let result: T | undefined;
    jest.isolateModules(() => {
      result = run((require('./extract') as typeof import('./extract')).extractInterface);
    });
    return result!;
  }

  it('keeps one entry per file reached and reads it back in a new process instead of parsing', () => {
    const descriptor = describeCached();
    const entries = fs.readdirSync(cacheDir());
    expect(entries).toHaveLength(4);
    expect(entries.every((entry) => /^[0-9a-f]{64}\.json$/.test(entry))).toBe(true);

    // Proof that the entry is read: doctor it, and a new registry reports the doctored name.
    const entryFile = entries.map((entry) => path.join(cacheDir(), entry)).find((file) => fs.readFileSync(file, 'utf8').includes('fromJson'))!;
    fs.writeFileSync(entryFile, fs.readFileSync(entryFile, 'utf8').replace('fromJson', 'fromCache'));
    const cached = inNewModuleRegistry((extract) => extract({ entryFile: inWorkspace(ENTRY), className: 'Ham', cacheDir: cacheDir() }));
    expect(cached.staticMethods[0].name).toBe('fromCache');
    expect({ ...cached, staticMethods: descriptor.staticMethods }).toEqual(descriptor);
  });

  it('parses again when an entry is unreadable, and when the file changes', () => {
    const descriptor = describeCached();
    for (const entry of fs.readdirSync(cacheDir())) fs.writeFileSync(path.join(cacheDir(), entry), '{ truncated');
    expect(inNewModuleRegistry((extract) => extract({ entryFile: inWorkspace(ENTRY), className: 'Ham', cacheDir: cacheDir() }))).toEqual(
      descriptor,
    );

    edit(ENTRY, (t) => t.replace('minutes: number', 'minutes: bigint'));
    expect(describeCached().methods[0].parameters[1].type).toBe('bigint');
    expect(fs.readdirSync(cacheDir())).toHaveLength(5);
  });
});
