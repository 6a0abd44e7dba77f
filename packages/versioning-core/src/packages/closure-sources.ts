import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { UserError } from '../errors';
import { ModuleResolver } from '../interface/module-resolution';
import type { ProjectRef } from '../project-ref';
import { moduleSpecifiers } from './module-specifiers';
import { readWorkspaceManifest, type WorkspaceManifest } from './npm-name';

export interface ClosureSourcesInput {
  workspaceRoot: string;
  /** Absolute path of the resource's entry file. */
  entryFile: string;
  /** The resource's closure: no file outside these project roots may be reached. */
  closure: ProjectRef[];
}

export interface ClosureSources {
  /** Absolute paths of the source files the entry reaches (itself included), sorted. */
  files: string[];
  /** npm packages those files import → their version range in the workspace root package.json. */
  dependencies: Record<string, string>;
}

/**
 * The code a server package needs: the files reachable from the entry through imports, exports,
 * `require` and `import()` (relative or through tsconfig `paths`), and the npm packages they name.
 * Files are parsed for their module specifiers only: no type information is needed here.
 */
export function collectClosureSources(input: ClosureSourcesInput, resolver = new ModuleResolver()): ClosureSources {
  const roots = input.closure.map((project) => project.root);
  const files = new Set<string>([input.entryFile]);
  const packages = new Map<string, string>();
  const queue = [input.entryFile];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (file.endsWith('.json')) continue;
    for (const { specifier } of moduleSpecifiers(fs.readFileSync(file, 'utf8'), file)) {
      const target = resolveSourceModule(file, specifier, resolver);
      if (target) {
        assertInClosure(input.workspaceRoot, roots, file, specifier, target);
        if (!files.has(target)) {
          files.add(target);
          queue.push(target);
        }
      } else if (isRelative(specifier)) {
        throw new UserError(`${relative(input.workspaceRoot, file)} imports "${specifier}", which names no TypeScript or JSON file`);
      } else if (!isBuiltin(specifier)) {
        const name = packageName(specifier);
        if (!packages.has(name)) packages.set(name, relative(input.workspaceRoot, file));
      }
    }
  }
  return { files: [...files].sort(), dependencies: dependencyVersions(packages, readWorkspaceManifest(input.workspaceRoot) ?? {}) };
}

/**
 * The workspace file a specifier names: TypeScript through relative paths or tsconfig `paths`,
 * or a relative JSON module (`resolveJsonModule`), which travels as it is. Undefined otherwise.
 */
export function resolveSourceModule(fromFile: string, specifier: string, resolver: ModuleResolver): string | undefined {
  // Checked first: the resolver would look for `settings.json/index.ts`, which stat refuses (ENOTDIR).
  if (isRelative(specifier) && specifier.endsWith('.json')) {
    const file = path.resolve(path.dirname(fromFile), specifier);
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ? file : undefined;
  }
  return resolver.resolve(fromFile, specifier);
}

function isRelative(specifier: string): boolean {
  return /^\.\.?(\/|$)/.test(specifier) || path.isAbsolute(specifier);
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));
}

/** `@scope/pkg/sub` → `@scope/pkg`; `pkg/sub` → `pkg`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function assertInClosure(workspaceRoot: string, roots: string[], fromFile: string, specifier: string, file: string): void {
  const rel = relative(workspaceRoot, file);
  const inside = roots.some((root) => root === '.' || root === '' || rel.startsWith(`${root.replace(/\/+$/, '')}/`));
  if (!inside || rel.startsWith('../')) {
    throw new UserError(
      `${relative(workspaceRoot, fromFile)} imports "${specifier}" (${rel}), which is outside the resource's closure (${roots.join(', ')}): declare the dependency between the projects so the Nx project graph includes it`,
    );
  }
}

function dependencyVersions(packages: Map<string, string>, manifest: WorkspaceManifest): Record<string, string> {
  const dependencies: Record<string, string> = {};
  for (const [name, importer] of [...packages].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const version = ownValue(manifest.dependencies, name) ?? ownValue(manifest.devDependencies, name);
    if (version === undefined) {
      throw new UserError(`${importer} imports the npm package "${name}", which the workspace root package.json does not list in dependencies or devDependencies: add it there`);
    }
    dependencies[name] = version;
  }
  return dependencies;
}

function ownValue(record: Record<string, string> | undefined, key: string): string | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}

function relative(workspaceRoot: string, file: string): string {
  return path.relative(workspaceRoot, file).split(path.sep).join('/');
}
