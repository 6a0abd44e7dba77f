// Generated resources for the interface benchmarks: resource projects in one workspace, each a class
// with 10 methods using local types and types imported from a shared project through tsconfig paths.
// A resource can be written as changed in one way, to have a "before" and an "after" to diff.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const METHODS = 10;
/** The ways an "after" may differ from its "before", with the bump each calls for. */
const CHANGES = { 'optional-parameter': 'minor', 'removed-method': 'major', 'added-method': 'minor', docs: 'none' };

const resourceName = (i) => `Resource${String(i).padStart(2, '0')}`;
const entryOf = (ws, i, dir = 'resources') => path.join(ws, dir, `r${i}`, 'src', 'index.ts');

function write(ws, file, text) {
  fs.mkdirSync(path.dirname(path.join(ws, file)), { recursive: true });
  fs.writeFileSync(path.join(ws, file), text);
}

/** tsconfig.base.json with the `@bench/shared` alias, and the shared project it points to. */
function writeSharedProject(ws) {
  write(
    ws,
    'tsconfig.base.json',
    JSON.stringify({ compilerOptions: { strict: true, paths: { '@bench/shared': ['./shared/src/index.ts'] } } }),
  );
  write(ws, 'shared/src/index.ts', "export * from './money';\nexport * from './region';\n");
  write(
    ws,
    'shared/src/money.ts',
    "export type Currency = 'EUR' | 'USD' | 'GBP';\n/** An amount. */\nexport interface Money {\n  amount: number;\n  currency: Currency;\n}\n",
  );
  write(ws, 'shared/src/region.ts', 'export enum Region {\n  Eu = "eu",\n  Us = "us",\n}\n');
}

/** Resource i under `<dir>/r<i>` (a key of CHANGES, or none); returns its entry file. */
function writeResource(ws, i, { dir = 'resources', change } = {}) {
  if (change !== undefined && !(change in CHANGES)) throw new Error(`unknown change ${change}: one of ${Object.keys(CHANGES).join(', ')}`);
  write(ws, `${dir}/r${i}/tsconfig.json`, JSON.stringify({ extends: '../../tsconfig.base.json' }));
  const count = change === 'added-method' ? METHODS + 1 : change === 'removed-method' ? METHODS - 1 : METHODS;
  const methods = Array.from({ length: count }, (_, m) => method(i, m, change)).join('\n');
  write(
    ws,
    `${dir}/r${i}/src/index.ts`,
    `import type { Money } from '@bench/shared';
import { Region } from '@bench/shared';

export enum Mode${i} {
  Fast = 'fast',
  Slow = 'slow',
}

export interface Input${i} {
  id: string;
  amount: Money;
  mode: Mode${i};
  tags?: string[];
}

export type Output${i} = { ok: boolean; value: number; region: Region };

export class ${resourceName(i)} {
  private cache = new Map<string, number>();

  constructor(private readonly label: string, private readonly limit = 10) {}

${methods}
  static create(label: string): ${resourceName(i)} {
    return new ${resourceName(i)}(label);
  }
}
`,
  );
  return entryOf(ws, i, dir);
}

function method(i, m, change) {
  const signature = [
    `(input: Input${i}, retries: number${change === 'optional-parameter' && m === 0 ? ', note?: string' : ''}): Output${i}`,
    `(amount: Money, region?: Region): Promise<Output${i}>`,
    `(ids: string[], mode: Mode${i} = Mode${i}.Fast): Map<string, Input${i}>`,
    `<T extends Input${i}>(items: T[], pick: (item: T) => boolean): T | undefined`,
  ][m % 4];
  const doc = change === 'docs' ? `Method ${m}, documented again.` : `Method ${m}.`;
  return `  /** ${doc} */\n  method${m}${signature} {\n    const seen = this.cache.get(String(${m})) ?? 0;\n    this.cache.set(String(${m}), seen + 1);\n    return undefined as never;\n  }\n`;
}

module.exports = { METHODS, CHANGES, resourceName, entryOf, writeSharedProject, writeResource };
