import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { parseJsonc } from './jsonc';
import { ModuleResolver } from './module-resolution';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-resolve-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function write(file: string, text = ''): string {
  const abs = path.join(root, file);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
  return abs;
}

describe('ModuleResolver', () => {
  it('resolves relative specifiers to TypeScript files: extension added, .js swapped, index', () => {
    const from = write('app/src/main.ts');
    const types = write('app/src/types.ts');
    const index = write('app/src/model/index.ts');
    const decl = write('app/src/legacy.d.ts');
    const resolver = new ModuleResolver();
    expect(resolver.resolve(from, './types')).toBe(types);
    expect(resolver.resolve(from, './types.js')).toBe(types);
    expect(resolver.resolve(from, './model')).toBe(index);
    expect(resolver.resolve(from, './legacy')).toBe(decl);
    expect(resolver.resolve(from, './missing')).toBeUndefined();
  });

  it('maps tsconfig paths through extends: exact match first, else the longest wildcard prefix', () => {
    write(
      'tsconfig.base.json',
      `{ "compilerOptions": { "paths": {
        "@acme/*": ["libs/*/src/index.ts"],
        "@acme/special/*": ["special/*.ts"],
        "@acme/units": ["units/main.ts"], // exact
      } } }`,
    );
    write('apps/app/tsconfig.json', '{ "extends": "../../tsconfig.base.json" }');
    const from = write('apps/app/src/main.ts');
    const lib = write('libs/glaze/src/index.ts');
    const special = write('special/x.ts');
    const units = write('units/main.ts');
    const resolver = new ModuleResolver();
    expect(resolver.resolve(from, '@acme/glaze')).toBe(lib);
    expect(resolver.resolve(from, '@acme/special/x')).toBe(special);
    expect(resolver.resolve(from, '@acme/units')).toBe(units);
    expect(resolver.resolve(from, 'lodash')).toBeUndefined();
  });

  it('resolves paths against baseUrl when one is set', () => {
    write('tsconfig.json', '{ "compilerOptions": { "baseUrl": "./src", "paths": { "~/*": ["*"] } } }');
    const from = write('src/a/main.ts');
    const target = write('src/b/thing.ts');
    expect(new ModuleResolver().resolve(from, '~/b/thing')).toBe(target);
  });

  it('names the tsconfig it cannot read', () => {
    const config = write('tsconfig.json', '{ "compilerOptions": ');
    const from = write('src/main.ts');
    expect(() => new ModuleResolver().resolve(from, '@acme/x')).toThrow(UserError);
    expect(() => new ModuleResolver().resolve(from, '@acme/x')).toThrow(`${config}: cannot read it as a tsconfig`);
  });
});

describe('parseJsonc', () => {
  it('drops comments and trailing commas, but not inside strings', () => {
    expect(parseJsonc('{ /* a */ "url": "http://x/*y*/", "list": ["a,]", ], // end\n }')).toEqual({
      url: 'http://x/*y*/',
      list: ['a,]'],
    });
  });
});
