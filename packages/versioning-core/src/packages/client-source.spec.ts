import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { extractInterface } from '../interface';
import { loadGeneratedClient, typeErrors } from '../test-support/ham-workspace';
import { generateClientSource } from './client-source';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-source-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const spec = { resource: 'pantry', version: '3.1.0', clientHash: 'c'.repeat(64), registry: 'oci://127.0.0.1:5000/ml' };

function generate(source: string) {
  fs.writeFileSync(path.join(dir, 'pantry.ts'), source);
  return generateClientSource(extractInterface({ entryFile: path.join(dir, 'pantry.ts'), className: 'Pantry' }), spec);
}

const PANTRY = `
export const enum Shelf { Top = 1, Bottom }
export class Jar<T> { constructor(readonly content: T) {} open(): T { return this.content; } }
export class Pantry<T extends string = string> {
  constructor(name: T);
  constructor(name: T, shelves: number);
  constructor(private name: T, private shelves = 1) {}
  put(item: T, ...more: T[]): number { return 1 + more.length; }
  find(item: T): Jar<T> | undefined { return undefined; }
  'take-all'(shelf?: Shelf): Promise<Array<Jar<T>>> { return Promise.resolve([]); }
  [Symbol.iterator](): Iterator<T> { return [].values(); }
  async count(): Promise<number> { return 0; }
  label(): Promise<string> | string { return ''; }
  static open(at: Date): boolean;
  static open(at: string): boolean;
  static open(at: Date | string): boolean { return true; }
}
`;

describe('generateClientSource', () => {
  it('declares overloads, rest and optional parameters, generics, quoted names and the interface types', () => {
    const { dts } = generate(PANTRY);
    expect(dts).toContain('export declare class PantryClient<T extends string = string> implements AsyncDisposable {');
    expect(dts).toContain('  static create<T extends string = string>(name: T): Promise<PantryClient<T>>;');
    expect(dts).toContain('  static create<T extends string = string>(name: T, shelves: number): Promise<PantryClient<T>>;');
    expect(dts).toContain('  static open(at: Date): Promise<boolean>;\n  static open(at: string): Promise<boolean>;');
    expect(dts).toContain('  put(item: T, ...more: T[]): Promise<number>;');
    expect(dts).toContain('  "take-all"(shelf?: Shelf): Promise<Array<Jar<T>>>;');
    expect(dts).toContain('  count(): Promise<number>;');
    expect(dts).toContain('  label(): Promise<Promise<string> | string>;');
    expect(dts).toContain('export declare enum Shelf { Top = 1, Bottom }');
    expect(dts).toContain('export declare class Jar<T> {');
    expect(dts).not.toContain('Symbol.iterator');
  });

  it('writes declarations that type-check and JavaScript that loads', () => {
    const { js, dts } = generate(PANTRY);
    fs.writeFileSync(path.join(dir, 'client.d.ts'), dts);
    fs.writeFileSync(
      path.join(dir, 'use.ts'),
      `import { PantryClient, Shelf } from './client';\nexport async function main(): Promise<number> {\n  await using pantry = await PantryClient.create<string>('rice', 2);\n  await pantry['take-all'](Shelf.Top);\n  return pantry.put('rice', 'beans');\n}\n`,
    );
    expect(typeErrors(dir, ['use.ts'])).toBe('');

    const { PantryClient, PantryServer, Shelf } = loadGeneratedClient(js);
    expect(Shelf).toEqual({ Top: 1, Bottom: 2, 1: 'Top', 2: 'Bottom' });
    expect(Object.getOwnPropertyNames(PantryClient.prototype).sort()).toEqual(['constructor', 'count', 'find', 'label', 'put', 'take-all']);
    expect(Object.getOwnPropertyNames(PantryServer.prototype).sort()).toEqual(['close', 'constructor', 'create', 'open']);
    expect([PantryClient.version, PantryClient.uri]).toEqual([undefined, undefined]);
    expect(js).toContain('  put(item, ...more) {\n    return modelos.callMethod(this, "put", [item, ...more]);\n  }');
    expect(js).toContain('  static open(...args) {\n    return modelos.callStatic(PantryClient, "open", args);\n  }');
  });

  it('refuses a member whose name the generated classes take', () => {
    expect(() => generate('export class Pantry { static create(): Pantry { return new Pantry(); } }')).toThrow(
      new UserError('cannot generate the client of pantry: static method "create" clashes with the generated PantryClient/PantryServer (reserved: create, fromUri, fromVersion, version, uri, url, info, close); rename it'),
    );
    expect(() => generate('export class Pantry { then(): void {} }')).toThrow(/method "then" clashes/);
  });

  it('offers no create for a class whose constructors are private, and ...args for one from an outside base', () => {
    const singleton = generate('export class Pantry { private constructor() {} static shared(): number { return 1; } }');
    expect(singleton.js).not.toMatch(/\bcreate\(/);
    expect(singleton.dts).not.toMatch(/\bcreate\b/);
    expect(singleton.js).toContain('static shared() {');
    const inherited = generate('export class Pantry extends Map<string, number> {}');
    expect(inherited.js).toContain('  static create(...args) {');
    expect(inherited.dts).toContain('  static create(...args: unknown[]): Promise<PantryClient>;');
  });

  it('renames parameters that would shadow the names the generated code uses', () => {
    const { js } = generate('export class Pantry { stock(modelos: number, PantryClient: string, { a }: { a: number }): void {} }');
    expect(js).toContain('  stock(arg0, arg1, arg2) {\n    return modelos.callMethod(this, "stock", [arg0, arg1, arg2]);\n  }');
  });
});
