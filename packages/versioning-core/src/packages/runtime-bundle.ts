import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PackageFile } from './npm-tarball';

/** The package generated clients run on; bundled into each client package with its dependencies. */
export const RUNTIME_PACKAGE = '@modelos/runtime';

interface Manifest {
  name: string;
  version: string;
  files?: string[];
  dependencies?: Record<string, string>;
}

export interface RuntimeBundle {
  /** The runtime's version: the client's dependency on it. */
  version: string;
  /** Every file of the runtime and its dependencies, under `node_modules/<name>/`. */
  files: PackageFile[];
}

let bundle: RuntimeBundle | undefined;

/**
 * `@modelos/runtime` as installed beside this engine, with its production dependencies, as files
 * of a client package (`bundleDependencies`): a client installed from an OCI registry, or from
 * an npm registry, brings its runtime along and needs no registry for it. Each package
 * contributes what npm would pack: its package.json and its `files`.
 */
export function runtimeBundle(): RuntimeBundle {
  bundle ??= collectBundle();
  return bundle;
}

function collectBundle(): RuntimeBundle {
  const runtimeDir = packageDir(RUNTIME_PACKAGE, __dirname);
  const dirs = new Map<string, string>();
  const visit = (name: string, from: string) => {
    const dir = packageDir(name, from);
    const seen = dirs.get(name);
    if (seen !== undefined) {
      // One copy of each package, hoisted: two versions would need nesting, which no dependency of the runtime needs.
      if (readManifest(seen).version !== readManifest(dir).version) throw new Error(`the runtime bundle would need two versions of ${name}`);
      return;
    }
    dirs.set(name, dir);
    for (const dependency of Object.keys(readManifest(dir).dependencies ?? {})) visit(dependency, dir);
  };
  visit(RUNTIME_PACKAGE, __dirname);
  const files = [...dirs].flatMap(([name, dir]) =>
    packedFiles(dir).map((file) => ({ path: `node_modules/${name}/${file}`, content: fs.readFileSync(path.join(dir, file)) })),
  );
  return { version: readManifest(runtimeDir).version, files };
}

/** The installed directory of `name` as Node resolves it from `from` (workspace links followed). */
function packageDir(name: string, from: string): string {
  return fs.realpathSync(path.dirname(require.resolve(`${name}/package.json`, { paths: [from] })));
}

function readManifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/**
 * package.json and the entries of `files` (whole directory when there is none) less its `!`
 * entries, never a nested node_modules. Our runtime and its dependencies list plain paths; globs
 * would need npm-packlist.
 */
function packedFiles(dir: string): string[] {
  const { files, name } = readManifest(dir);
  const listed = files ?? fs.readdirSync(dir).filter((entry) => entry !== 'node_modules' && entry !== 'package.json');
  const excluded = new Set(listed.filter((entry) => entry.startsWith('!')).map((entry) => entry.slice(1)));
  const found = new Set(['package.json']);
  for (const entry of listed.filter((e) => !e.startsWith('!'))) {
    if (/[*?!{]/.test(entry)) throw new Error(`cannot bundle ${name}: its "files" entry ${entry} is a pattern`);
    const full = path.join(dir, entry);
    if (!fs.existsSync(full)) continue;
    if (fs.statSync(full).isDirectory()) {
      for (const file of fs.readdirSync(full, { recursive: true, encoding: 'utf8' })) {
        const relative = path.join(entry, file);
        if (!relative.split(path.sep).includes('node_modules') && fs.statSync(path.join(dir, relative)).isFile()) found.add(relative.split(path.sep).join('/'));
      }
    } else found.add(entry.replace(/\/$/, ''));
  }
  return [...found].filter((file) => !excluded.has(file)).sort();
}
