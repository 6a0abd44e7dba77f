import { summarizeSource, type SourceDialect } from './summarize';

// What a file exports, decided from syntax alone, the way TypeScript's binder decides it.
const exportsOf = (text: string, dialect: SourceDialect = '.ts') => summarizeSource(text, dialect).exports;

describe('summarizeSource: what a file exports', () => {
  it('counts export modifiers, `export { … }` lists, and `export default` of a local name', () => {
    expect(exportsOf('export class Ham {}\ninterface Glaze {}\nclass Oven {}\nexport { Glaze };\nexport default Oven;')).toEqual({
      Glaze: { local: 'Glaze' },
      default: { local: 'Oven' },
      Ham: { local: 'Ham' },
    });
  });

  it('exports a class named as `default` in a list, or by `export default class`, under `default`', () => {
    expect(exportsOf('class Ham {}\nexport { Ham as default };')).toEqual({ default: { local: 'Ham' } });
    expect(exportsOf('export default class Ham {}')).toEqual({ default: { local: 'Ham' } });
  });

  it('takes the class of `export =` as exported under its own name', () => {
    expect(exportsOf('class Ham { bake(temp: number): void {} }\nexport = Ham;')).toEqual({ Ham: { local: 'Ham' } });
  });

  it('exports every declaration of a declaration file that is a module without export statements', () => {
    const dts = "import { Glaze } from './glaze';\ninterface Size { px: number }\ndeclare class Ham { glaze(g: Glaze): Size }";
    expect(exportsOf(dts, '.d.ts')).toEqual({ Size: { local: 'Size' }, Ham: { local: 'Ham' } });
    // An export statement, or no module syntax at all (a global script), turns that off.
    expect(exportsOf(`${dts}\nexport {};`, '.d.ts')).toEqual({});
    expect(exportsOf('interface Size { px: number }\ndeclare class Ham {}', '.d.ts')).toEqual({});
    // In a .ts file, declarations without `export` stay private.
    expect(exportsOf(dts)).toEqual({});
  });

  it('records re-exports and imports by module, with string names and escaped identifiers resolved', () => {
    const summary = summarizeSource(
      "import d, { a as \\u0062, \"x-y\" as c } from './d';\nimport * as ns from './n';\nexport * from './all';\nexport * as more from './more';\nexport { e as \"f-g\" } from './e';",
      '.ts',
    );
    expect(summary.imports).toEqual({
      d: { module: './d', name: 'default' },
      b: { module: './d', name: 'a' },
      c: { module: './d', name: 'x-y' },
      ns: { module: './n', name: '*' },
    });
    expect(summary.starExports).toEqual(['./all']);
    expect(summary.exports).toEqual({ more: { module: './more', name: '*' }, 'f-g': { module: './e', name: 'e' } });
  });
});
