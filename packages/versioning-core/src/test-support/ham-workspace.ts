import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ProjectRef } from '../project-ref';
import * as clientRuntime from '@modelos/runtime/client';
import { GitWorkspace } from './git-workspace';

/**
 * A small monorepo for package tests: resource `ham` imports library `eggs` through a tsconfig
 * `paths` alias, a sibling file and a JSON module; `bacon` is a project outside ham's closure, and
 * eggs holds a file nobody imports. Committed, with a root package.json named `@ml-project/source`.
 */
export function hamWorkspace(): { ws: GitWorkspace; resource: ProjectRef; closure: ProjectRef[]; entryFile: string } {
  const ws = new GitWorkspace();
  ws.write('package.json', JSON.stringify({ name: '@ml-project/source', private: true, dependencies: {} }, null, 2));
  ws.write(
    'tsconfig.base.json',
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node',
        resolveJsonModule: true,
        esModuleInterop: true,
        paths: { '@ml-project/eggs': ['libs/eggs/src/index.ts'], '@ml-project/bacon': ['libs/bacon/src/index.ts'] },
      },
    }),
  );
  ws.write('ham/resource.json', JSON.stringify({ formatVersion: '1', entry: 'src/ham.ts', class: 'Ham', requires: {} }));
  ws.write('ham/tsconfig.json', JSON.stringify({ extends: '../tsconfig.base.json', files: [], include: [] }));
  ws.write(
    'ham/src/ham.ts',
    `import { createHash } from 'node:crypto';
import { countEggs, type Egg } from '@ml-project/eggs';
import { GLAZE } from './glaze';
import * as settings from './settings.json';

export enum Doneness {
  Rare = 'rare',
  Done = 'done',
}

export interface BakeResult {
  text: string;
  eggs: Egg[];
  doneness: Doneness;
}

export class Ham {
  weight = 3;

  constructor(private readonly a: string, private readonly b: number, private readonly c: boolean) {}

  bake(temp: number, doneness: Doneness = Doneness.Done): BakeResult {
    const eggs = Array.from({ length: countEggs(this.b) }, (_, i) => ({ size: i + 1 }));
    return { text: \`\${this.a} baked at \${temp} with \${GLAZE}\`, eggs, doneness };
  }

  async slice(n: number): Promise<number[]> {
    return Array.from({ length: n }, (_, i) => i * settings.thickness);
  }

  describe() {
    return { a: this.a, c: this.c };
  }

  fail(message: string): never {
    throw new RangeError(message);
  }

  private secret(): string {
    return 'hidden';
  }

  static getTemp(): number {
    return 180;
  }

  static async digest(text: string): Promise<string> {
    return createHash('sha256').update(text).digest('hex').slice(0, 8);
  }
}
`,
  );
  ws.write('ham/src/glaze.ts', `export const GLAZE = 'honey';\n`);
  ws.write('ham/src/settings.json', JSON.stringify({ thickness: 2 }));
  ws.write('ham/src/ham.spec.ts', `import { Ham } from './ham';\nit('bakes', () => expect(Ham.getTemp()).toBe(180));\n`);
  ws.write('libs/eggs/src/index.ts', `export * from './lib/eggs';\n`);
  ws.write('libs/eggs/src/lib/eggs.ts', `export interface Egg {\n  size: number;\n}\n\nexport function countEggs(n: number): number {\n  return n * 2;\n}\n`);
  ws.write('libs/eggs/src/lib/unused.ts', `export const unused = true;\n`);
  ws.write('libs/bacon/src/index.ts', `export const bacon = 'crispy';\n`);
  ws.commit('ham, eggs, bacon');
  const closure = [
    { name: 'ham', root: 'ham' },
    { name: 'eggs', root: 'libs/eggs' },
  ];
  return { ws, resource: closure[0], closure, entryFile: path.join(ws.root, 'ham/src/ham.ts') };
}

/** Installs a package tarball into a fresh npm project the way a user would; returns the project's dir. */
export function npmInstallTarball(tgz: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelos-consumer-'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tgz], { cwd: dir, stdio: 'pipe' });
  return dir;
}

/** `node <server.js> --port 0`, resolved once it prints its address; `stop` kills it. */
export async function startServerScript(serverJs: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [serverJs, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`${serverJs} exited with ${code} before listening`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    stop: () => {
      child.kill();
      return exited;
    },
  };
}

/** Evaluates a generated client's index.js in this process, on the client runtime of these sources. */
export function loadGeneratedClient(js: string): Record<string, any> {
  const module = { exports: {} as Record<string, any> };
  const require = (id: string) => {
    if (id === '@modelos/runtime/client') return clientRuntime;
    throw new Error(`a generated client may require only the runtime, not ${id}`);
  };
  new Function('require', 'module', 'exports', js)(require, module, module.exports);
  return module.exports;
}

/** tsc's errors for `files` of `dir` (strict, await using, no @types); '' when they type-check. */
export function typeErrors(dir: string, files: string[]): string {
  const compilerOptions = { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'ESNext.Disposable'], module: 'commonjs', moduleResolution: 'node', types: [] };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
  try {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
    return '';
  } catch (err) {
    return (err as { stdout: string }).stdout;
  }
}
