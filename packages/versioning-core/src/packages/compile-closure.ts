import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project, ts, type CompilerOptions } from 'ts-morph';
import { UserError } from '../errors';
import type { ModuleResolver } from '../interface/module-resolution';
import { resolveSourceModule } from './closure-sources';
import { rewriteSpecifiers } from './module-specifiers';
import type { PackageFile } from './npm-tarball';

export interface CompileClosureInput {
  workspaceRoot: string;
  /** Absolute paths: TypeScript sources, declaration files and JSON modules. */
  files: string[];
  /** Where the nearest tsconfig is looked up from (the entry file). */
  entryFile: string;
  resolver: ModuleResolver;
}

/** Where compiled files go inside a package: `lib/` + their workspace-relative path. */
export const LIB_DIR = 'lib';

const CONFIG_NAMES = ['tsconfig.json', 'tsconfig.base.json'];
const TS_SOURCE = /(?<!\.d)\.tsx?$/;
const DECLARATION = /\.d\.ts$/;

/**
 * The closure as CommonJS JavaScript plus declarations, laid out as in the workspace under `lib/`
 * so relative imports keep working; imports through tsconfig `paths` become relative ones.
 * JavaScript is transpiled file by file; declarations come from one program over just these files,
 * emitted without a type check (types are still inferred where the source leaves them out).
 */
export function compileClosure(input: CompileClosureInput): PackageFile[] {
  const closure = new Set(input.files);
  const project = declarationProject(input);
  const rewrite = (text: string, sourceFile: string, outFile: string) =>
    rewriteSpecifiers(text, outFile, (specifier) => {
      const target = resolveSourceModule(sourceFile, specifier, input.resolver);
      return target && closure.has(target) ? relativeSpecifier(sourceFile, target) : undefined;
    });
  const libPath = (file: string) => packagePath(input.workspaceRoot, file);

  const out: PackageFile[] = [];
  for (const file of input.files) {
    const text = fs.readFileSync(file, 'utf8');
    if (!TS_SOURCE.test(file)) {
      // JSON modules and hand-written declarations travel as they are (declarations re-pointed).
      out.push({ path: libPath(file), content: Buffer.from(DECLARATION.test(file) ? rewrite(text, file, file) : text) });
      continue;
    }
    project.addSourceFileAtPath(file);
    const js = ts.transpileModule(rewrite(text, file, file), { fileName: file, compilerOptions: javascriptOptions(project.getCompilerOptions()) });
    out.push({ path: libPath(file).replace(TS_SOURCE, '.js'), content: Buffer.from(js.outputText) });
  }
  const outDir = declarationOutDir(input.workspaceRoot);
  const sourceOf = new Map(input.files.map((file) => [path.join(outDir, path.relative(input.workspaceRoot, file)).replace(TS_SOURCE, '.d.ts'), file]));
  for (const emitted of project.emitToMemory({ emitOnlyDtsFiles: true }).getFiles()) {
    const sourceFile = sourceOf.get(path.normalize(emitted.filePath));
    if (!sourceFile) continue;
    out.push({ path: libPath(sourceFile).replace(TS_SOURCE, '.d.ts'), content: Buffer.from(rewrite(emitted.text, sourceFile, emitted.filePath)) });
  }
  return out;
}

/** The package-relative module path of a compiled file, for index.js and index.d.ts. */
export function compiledModulePath(workspaceRoot: string, file: string): string {
  return `./${packagePath(workspaceRoot, file).replace(TS_SOURCE, '')}`;
}

/** Where a workspace file lands in the package: `lib/` + its workspace-relative path. */
function packagePath(workspaceRoot: string, file: string): string {
  return path.posix.join(LIB_DIR, path.relative(workspaceRoot, file).split(path.sep).join('/'));
}

/** `./x` / `../lib/y` from `fromFile` to `target`, without a TypeScript extension (JSON keeps its own). */
function relativeSpecifier(fromFile: string, target: string): string {
  const relative = path.relative(path.dirname(fromFile), target).split(path.sep).join('/').replace(/(\.d)?\.tsx?$/, '');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

/** The workspace's compiler options (nearest tsconfig), set up to emit declarations only. */
function declarationProject(input: CompileClosureInput): Project {
  const tsConfigFilePath = nearestTsconfig(path.dirname(input.entryFile), input.workspaceRoot);
  const overrides: CompilerOptions = {
    declaration: true,
    emitDeclarationOnly: true,
    noEmit: false,
    // Declarations need the checker's inference, not its verdict: skipping the check keeps release fast.
    noCheck: true,
    skipLibCheck: true,
    noEmitOnError: false,
    declarationMap: false,
    sourceMap: false,
    inlineSourceMap: false,
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
    outFile: undefined,
    declarationDir: undefined,
    rootDir: input.workspaceRoot,
    outDir: declarationOutDir(input.workspaceRoot),
    ignoreDeprecations: '6.0',
  };
  try {
    return new Project({ tsConfigFilePath, skipAddingFilesFromTsConfig: true, compilerOptions: overrides });
  } catch (err) {
    throw new UserError(`cannot read the compiler options in ${tsConfigFilePath}: ${(err as Error).message}`);
  }
}

/** Never written: emit goes to memory, this only fixes the paths it reports. */
function declarationOutDir(workspaceRoot: string): string {
  return path.join(workspaceRoot, '.modelos', 'declarations');
}

/** CommonJS for Node 20, whatever the workspace targets; helpers inlined (no tslib at run time). */
function javascriptOptions(options: CompilerOptions): CompilerOptions {
  return {
    ...options,
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    verbatimModuleSyntax: false,
    importHelpers: false,
    declaration: false,
    emitDeclarationOnly: false,
    noEmit: false,
    sourceMap: false,
    inlineSourceMap: false,
  };
}

/** The nearest tsconfig.json or tsconfig.base.json from `dir` up to the workspace root. */
function nearestTsconfig(dir: string, workspaceRoot: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    const found = CONFIG_NAMES.map((name) => path.join(current, name)).find((file) => fs.existsSync(file));
    if (found || path.relative(workspaceRoot, current) === '' || path.dirname(current) === current) return found;
  }
}
