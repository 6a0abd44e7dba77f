import * as path from 'node:path';
import { UserError } from '../errors';
import { parseJsonc } from './jsonc';
import { diskFiles, type SourceFiles } from './source-files';

interface PathMapping {
  /** Directory the targets are relative to: `baseUrl`, else the config that declares `paths`. */
  base: string;
  paths: Record<string, string[]>;
}

const CONFIG_NAMES = ['tsconfig.json', 'tsconfig.base.json'];
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.d.ts'];

/**
 * Finds the TypeScript file a module specifier names: relative specifiers, and `paths` of the
 * nearest tsconfig (the way an Nx workspace maps `@scope/lib` to another project). Anything else
 * (npm packages, node built-ins) is outside the workspace: undefined.
 */
export class ModuleResolver {
  private readonly mappings = new Map<string, PathMapping | null>();

  constructor(private readonly files: SourceFiles = diskFiles) {}

  resolve(fromFile: string, specifier: string): string | undefined {
    const dir = path.dirname(fromFile);
    if (/^\.\.?(\/|$)/.test(specifier)) return resolveSourceFile(path.resolve(dir, specifier), this.files);
    const mapping = this.mappingFor(dir);
    if (!mapping) return undefined;
    for (const target of mappedTargets(mapping.paths, specifier)) {
      const found = resolveSourceFile(path.resolve(mapping.base, target), this.files);
      if (found) return found;
    }
    return undefined;
  }

  /** The nearest tsconfig.json or tsconfig.base.json (with its `extends`) that maps paths. */
  private mappingFor(dir: string): PathMapping | null {
    let mapping = this.mappings.get(dir);
    if (mapping !== undefined) return mapping;
    const configs = CONFIG_NAMES.map((name) => path.join(dir, name)).filter((file) => this.files.isFile(file));
    mapping = configs.map((config) => readMapping(config, new Set(), this.files)).find((found) => found?.paths) ?? null;
    if (!mapping && path.dirname(dir) !== dir) mapping = this.mappingFor(path.dirname(dir));
    this.mappings.set(dir, mapping);
    return mapping;
  }
}

/** TypeScript's rule: an exact pattern wins, else the wildcard pattern with the longest prefix. */
function mappedTargets(paths: Record<string, string[]>, specifier: string): string[] {
  if (Object.hasOwn(paths, specifier)) return paths[specifier];
  let best: { prefix: string; captured: string; targets: string[] } | undefined;
  for (const [pattern, targets] of Object.entries(paths)) {
    const star = pattern.indexOf('*');
    if (star < 0) continue;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    const fits = specifier.length >= prefix.length + suffix.length && specifier.startsWith(prefix) && specifier.endsWith(suffix);
    if (fits && (!best || prefix.length > best.prefix.length)) {
      best = { prefix, captured: specifier.slice(prefix.length, specifier.length - suffix.length), targets };
    }
  }
  return best ? best.targets.map((target) => target.replace('*', best.captured)) : [];
}

interface ConfigPaths {
  paths?: Record<string, string[]>;
  pathsDir?: string;
  baseUrl?: string;
}

function readMapping(configFile: string, seen: Set<string>, files: SourceFiles): PathMapping | null {
  const found = readConfigPaths(configFile, seen, files);
  if (!found.paths) return null;
  return { paths: found.paths, base: found.baseUrl ?? found.pathsDir! };
}

/** `paths` and `baseUrl` along the `extends` chain, each resolved against the file that sets it. */
function readConfigPaths(configFile: string, seen: Set<string>, files: SourceFiles): ConfigPaths {
  if (seen.has(configFile)) return {};
  seen.add(configFile);
  let config: { extends?: string | string[]; compilerOptions?: { paths?: Record<string, string[]>; baseUrl?: string } };
  try {
    const text = files.read(configFile);
    if (text === undefined) throw new Error('it cannot be read');
    config = parseJsonc(text.toString('utf8')) as typeof config;
  } catch (err) {
    throw new UserError(`${configFile}: cannot read it as a tsconfig (${(err as Error).message})`);
  }
  const dir = path.dirname(configFile);
  const parents = [config.extends ?? []].flat().map((parent) => resolveExtends(dir, parent, files));
  const inherited = parents.reduce<ConfigPaths>(
    (merged, parent) => (parent ? { ...merged, ...definedOnly(readConfigPaths(parent, seen, files)) } : merged),
    {},
  );
  const options = config.compilerOptions ?? {};
  return {
    ...inherited,
    ...(options.paths ? { paths: options.paths, pathsDir: dir } : {}),
    ...(options.baseUrl !== undefined ? { baseUrl: path.resolve(dir, options.baseUrl) } : {}),
  };
}

function definedOnly(paths: ConfigPaths): ConfigPaths {
  return Object.fromEntries(Object.entries(paths).filter(([, value]) => value !== undefined));
}

function resolveExtends(dir: string, parent: string, files: SourceFiles): string | undefined {
  if (parent.startsWith('.') || path.isAbsolute(parent)) {
    const file = path.resolve(dir, parent);
    return [file, `${file}.json`].find((candidate) => files.isFile(candidate));
  }
  try {
    return require.resolve(parent, { paths: [dir] });
  } catch {
    return undefined;
  }
}

/** The TypeScript source a path names: as is, with an extension added, a `.js` one swapped, or an index. */
function resolveSourceFile(target: string, files: SourceFiles): string | undefined {
  const stem = target.replace(/\.(c|m)?jsx?$/, '');
  const candidates = [
    ...(SOURCE_EXTENSIONS.some((ext) => target.endsWith(ext)) ? [target] : []),
    ...SOURCE_EXTENSIONS.map((ext) => stem + ext),
    ...SOURCE_EXTENSIONS.map((ext) => path.join(target, `index${ext}`)),
  ];
  return candidates.find((candidate) => files.isFile(candidate));
}
