import {
  addDependenciesToPackageJson,
  ensurePackage,
  generateFiles,
  getDependencyVersionFromPackageJson,
  getProjects,
  getWorkspaceLayout,
  joinPathFragments,
  names,
  NX_VERSION,
  readNxJson,
  runTasksInSerial,
  type GeneratorCallback,
  type Tree,
  updateJson,
} from '@nx/devkit';
import { realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, sep, win32 } from 'node:path';
import { isRepositoryComponent } from './repository-name';
import { writeResourceFile } from './resource-file';
import type { ResourceGeneratorSchema } from './schema';
import { workspaceLints, workspaceUnitTestRunner } from './workspace-conventions';

const ENTRY = 'src/index.ts';
/** What @nx/js:library calls to set up each runner. */
const TEST_RUNNER_PLUGINS = { jest: '@nx/jest', vitest: '@nx/vitest' } as const;

/**
 * A new resource is an @nx/js library (tsconfigs, the workspace's test runner, lint when the
 * workspace lints) whose class file and spec are the resource's, plus `resource.json`. Every
 * refusal comes before the first write, so a refused generation leaves the tree as it was.
 */
export async function scaffoldResource(tree: Tree, schema: ResourceGeneratorSchema): Promise<GeneratorCallback> {
  const { fileName, className } = resourceNames(schema.name);
  const projectRoot = projectRootOf(tree, schema, fileName);
  assertFree(tree, fileName, projectRoot);
  const unitTestRunner = schema.unitTestRunner ?? workspaceUnitTestRunner(tree);

  // As the official plugins compose @nx/js: load it (installed to a temp dir when missing) and
  // record it in package.json, so that the install after generation keeps it.
  const { libraryGenerator } = loadOfficialPlugin<typeof import('@nx/js')>(tree, '@nx/js');
  if (unitTestRunner !== 'none') loadOfficialPlugin(tree, TEST_RUNNER_PLUGINS[unitTestRunner]);
  const installJs = schema.skipPackageJson ? () => undefined : addDependenciesToPackageJson(tree, {}, { '@nx/js': NX_VERSION }, undefined, true);
  const library = await libraryGenerator(tree, {
    directory: projectRoot,
    name: fileName,
    tags: schema.tags,
    // A resource is versioned by store and release, not built: no bundler, no build target.
    bundler: 'none',
    unitTestRunner,
    // Following the workspace's linter is @nx/js's rule; none instead of a prompt when it has none.
    linter: schema.linter ?? (workspaceLints(tree) ? undefined : 'none'),
    testEnvironment: 'node',
    skipPackageJson: schema.skipPackageJson,
    skipFormat: true,
    addPlugin: process.env.NX_ADD_PLUGINS !== 'false' && readNxJson(tree)?.useInferencePlugins !== false,
  });

  generateFiles(tree, join(__dirname, 'files', 'library'), projectRoot, {
    fileName,
    className,
    fileNameImport: `${fileName}${importSuffix(tree, projectRoot, fileName)}`,
  });
  if (unitTestRunner === 'none') tree.delete(joinPathFragments(projectRoot, 'src/lib', `${fileName}.spec.ts`));
  if (unitTestRunner === 'jest') configureTsNodeForJestConfig(tree, projectRoot);
  writeResourceFile(tree, projectRoot, { entry: ENTRY, className, metrics: schema.metrics });
  return runTasksInSerial(installJs, library);
}

/**
 * An official plugin, as ensurePackage loads it: from the workspace, else installed to a temp
 * dir outside it. ensurePackage refuses that temp install under --dry-run ("does not support
 * --dry-run"); loading it here first lets a dry run show the whole generation and still write
 * nothing in the workspace, and @nx/js's own ensurePackage calls then hit ensurePackage's cache.
 * Nx 22.0 crashes in the plugin it fetched (its temp install pairs it with another nx: "Cannot
 * read properties of undefined (reading 'filter')"): there a missing plugin is refused first.
 */
function loadOfficialPlugin<T = unknown>(tree: Tree, pkg: string): T {
  const installed = installedIn(tree.root, pkg);
  if (NX_VERSION.startsWith('22.0.') && !installed) {
    throw new Error(`Nx ${NX_VERSION} cannot fetch ${pkg} while generating (it fails inside it): run nx add ${pkg}, then generate the resource again`);
  }
  const dryRun = process.env.NX_DRY_RUN;
  delete process.env.NX_DRY_RUN;
  try {
    const plugin = ensurePackage<T>(pkg, NX_VERSION);
    if (!installed) removeTempInstallAtExit(pkg);
    return plugin;
  } finally {
    if (dryRun !== undefined) process.env.NX_DRY_RUN = dryRun;
  }
}

/**
 * ensurePackage leaves its temp install behind (~140 MB for @nx/jest; Nx counts on the OS to
 * clean the temp dir), so every generation in a workspace without the plugin, a dry run
 * included, would fill a CI disk. The generator and its install task still use it, so it goes
 * when the process exits. Only a `tmp-*` dir directly in the temp dir, where ensurePackage
 * puts it, is ever removed.
 */
function removeTempInstallAtExit(pkg: string): void {
  const manifest = resolvedManifest(pkg);
  const dir = manifest?.slice(0, manifest.lastIndexOf(`${sep}node_modules${sep}`));
  if (!dir || dirname(dir) !== realpathSync(tmpdir()) || !basename(dir).startsWith('tmp-')) return;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
}

/** Where this process now loads `pkg` from; a cleanup that cannot tell never fails the generation. */
function resolvedManifest(pkg: string, paths?: string[]): string | undefined {
  try {
    return require.resolve(`${pkg}/package.json`, paths ? { paths } : undefined);
  } catch {
    return undefined;
  }
}

function installedIn(workspaceRoot: string, pkg: string): boolean {
  return resolvedManifest(pkg, [workspaceRoot]) !== undefined;
}

/**
 * Jest compiles `jest.config.cts` with ts-node and the project's tsconfig.json, forcing CommonJS.
 * Under TypeScript 6 (what create-nx-workspace 23 installs) that fails before any test runs: no
 * `@types` are included unless listed, and CommonJS implies the deprecated node10 resolution.
 * The `ts-node` section of tsconfig.json is read by ts-node only, so tsc and editors are unaffected.
 */
function configureTsNodeForJestConfig(tree: Tree, projectRoot: string): void {
  const typescript = getDependencyVersionFromPackageJson(tree, 'typescript');
  // The first number of a range like ~6.0.3 or ^5.9.2 is its major.
  const typescriptMajor = Number(/\d+/.exec(typescript ?? '')?.[0] ?? 0);
  updateJson(tree, joinPathFragments(projectRoot, 'tsconfig.json'), (tsconfig) => {
    tsconfig['ts-node'] ??= {};
    tsconfig['ts-node'].compilerOptions = {
      types: ['node'],
      // bundler resolution with CommonJS is allowed from TypeScript 6 on, an error before it.
      ...(typescriptMajor >= 6 ? { moduleResolution: 'bundler' } : {}),
      ...tsconfig['ts-node'].compilerOptions,
    };
    return tsconfig;
  });
}

/**
 * Class names a resource cannot take: a top-level class shadows the global of its name in its
 * module, and tsc's CommonJS output (`Object.defineProperty(exports, …)`), its helpers and the
 * generated client and server call these. So: ECMAScript's global objects, Node's global classes
 * such code meets, and the lib types the generated client's .d.ts names beside the class. Node's
 * lowercase module names (require, module, exports, process) cannot arise: a class is PascalCase.
 */
const RESERVED_CLASS_NAMES = new Set([
  ...['Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'BigInt', 'Date', 'RegExp', 'Promise', 'Proxy', 'Reflect'],
  ...['JSON', 'Math', 'Intl', 'Atomics', 'Infinity', 'NaN', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry'],
  ...['Error', 'AggregateError', 'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError'],
  ...['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array'],
  ...['Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'WebAssembly'],
  ...['Buffer', 'URL', 'URLSearchParams', 'TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal'],
  ...['Record', 'AsyncDisposable'],
]);

function resourceNames(name: string | undefined): { fileName: string; className: string } {
  if (!name) throw new Error('a resource needs a name (nx g @modelos/nx:resource ham), or --project to convert an existing library');
  const { fileName, className } = names(name);
  if (!isRepositoryComponent(fileName)) {
    throw new Error(
      `resource name "${name}" cannot name a registry repository; use lowercase letters and digits separated by ".", "_" or "-", e.g. ham or price-model`,
    );
  }
  // Nx keeps projects in a plain object: "constructor" would be found there before it is added.
  if (Object.hasOwn(Object.prototype, fileName)) {
    throw new Error(`resource name "${name}" is a property of every JavaScript object, which Nx cannot take as a project name; choose another, e.g. ${fileName}-model`);
  }
  if (RESERVED_CLASS_NAMES.has(className)) {
    throw new Error(`resource name "${name}" would make the class ${className}, which shadows JavaScript's global ${className}; choose a name that is not a global (Object, Array, Promise, Error, Map, Buffer, …), e.g. ${fileName}-model`);
  }
  return { fileName, className };
}

/** The new project's root, as given relative to the workspace root (absolute would be rewritten into it). */
function projectRootOf(tree: Tree, schema: ResourceGeneratorSchema, fileName: string): string {
  if (schema.directory === undefined) return joinPathFragments(getWorkspaceLayout(tree).libsDir, fileName);
  const root = joinPathFragments(schema.directory).replace(/\/+$/, '');
  // win32's rule takes both /tmp/x and C:\x as absolute.
  if (win32.isAbsolute(schema.directory) || root === '..' || root.startsWith('../')) {
    throw new Error(`--directory "${schema.directory}" is not inside the workspace: give a directory relative to the workspace root, e.g. libs/${fileName}`);
  }
  return root;
}

function assertFree(tree: Tree, projectName: string, projectRoot: string): void {
  if (getProjects(tree).has(projectName)) {
    throw new Error(`a project named "${projectName}" exists already; to make it a resource, run with --project ${projectName} --class <Class>`);
  }
  if (tree.exists(projectRoot) && tree.children(projectRoot).length > 0) {
    throw new Error(`${projectRoot} is not empty: choose another --directory for the resource`);
  }
  assertNotNested(tree, projectRoot);
}

/**
 * A root inside another project's would make the resource's files that project's too (its
 * closure and dirty hash). One around a project is not empty, refused above. A root project
 * (`.`) holds every other, as Nx allows.
 */
function assertNotNested(tree: Tree, projectRoot: string): void {
  for (const [name, { root }] of getProjects(tree)) {
    if (root !== '' && root !== '.' && projectRoot.startsWith(`${root}/`)) {
      throw new Error(`${projectRoot} is inside the project ${name} (${root}): give the resource a --directory outside every project`);
    }
  }
}

/** `.js` where the library's tsconfig resolves modules as node16/nodenext (its index.ts says so). */
function importSuffix(tree: Tree, projectRoot: string, fileName: string): string {
  const index = tree.read(joinPathFragments(projectRoot, ENTRY), 'utf-8') ?? '';
  return index.includes(`./lib/${fileName}.js'`) ? '.js' : '';
}
