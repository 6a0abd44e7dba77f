import { ModuleResolver } from '../interface/module-resolution';
import type { ProjectRef } from '../project-ref';
import { collectClosureSources } from './closure-sources';
import { compiledModulePath, compileClosure } from './compile-closure';
import type { PackageFile } from './npm-tarball';
import type { ServedResource } from './runtime/server-runtime';
import { serverScript } from './server-script';
import { byCodeUnits } from '../code-unit-order';

export interface ServerPackageInput {
  workspaceRoot: string;
  closure: ProjectRef[];
  /** Absolute path of the resource's entry file. */
  entryFile: string;
  /** npm name, e.g. `@ml-project/ham`. */
  name: string;
  served: ServedResource;
  /** Clients of the resource's requirements, as locked, shipped inside the package (SPEC §9). */
  bundled?: BundledClient[];
}

/** A client package carried in the server package's `node_modules/<name>/`. */
export interface BundledClient {
  /** The per-major name the resource's code imports: `@ml-project/eggs-client-v1`. */
  name: string;
  files: PackageFile[];
}

/**
 * The server package: the closure's code compiled to CommonJS with declarations (nothing else of
 * the monorepo), `index.js` re-exporting the entry (so `require('@ml-project/ham').Ham` works)
 * and `server.js` serving the class over HTTP/JSON.
 */
export function serverPackageFiles(input: ServerPackageInput): PackageFile[] {
  const resolver = new ModuleResolver();
  const sources = collectClosureSources(input, resolver);
  const compiled = compileClosure({ workspaceRoot: input.workspaceRoot, files: sources.files, entryFile: input.entryFile, resolver });
  const entry = compiledModulePath(input.workspaceRoot, input.entryFile);
  const { resource, version } = input.served;
  const bundled = input.bundled ?? [];
  return [
    ...compiled,
    ...bundled.flatMap((client) => client.files.map((file) => ({ ...file, path: `node_modules/${client.name}/${file.path}` }))),
    {
      path: 'index.js',
      content: Buffer.from(
        `'use strict';\n// ${resource} v${version}: everything its entry exports. \`node server.js --port 0\` serves ${input.served.interface.className} over HTTP/JSON.\nmodule.exports = require(${JSON.stringify(entry)});\n`,
      ),
    },
    { path: 'index.d.ts', content: Buffer.from(`export * from ${JSON.stringify(entry)};\n`) },
    { path: 'server.js', content: serverScript(), executable: true },
    {
      path: 'package.json',
      content: packageJson({
        name: input.name,
        version,
        description: `${resource} v${version}: the resource and an HTTP/JSON server for it (node server.js --port <n>)`,
        main: 'index.js',
        types: 'index.d.ts',
        dependencies: withBundled(sources.dependencies, bundled),
        ...(bundled.length ? { bundleDependencies: bundled.map((client) => client.name).sort() } : {}),
        modelos: input.served,
      }),
    },
  ];
}

/**
 * Bundled clients come with the package, so they are no registry dependency (the workspace's
 * `file:` spec for them means nothing elsewhere); nor is what they carry themselves (their
 * runtime, bundled inside each client). Anything else they depend on is.
 */
function withBundled(dependencies: Record<string, string>, bundled: BundledClient[]): Record<string, string> {
  const result = { ...dependencies };
  for (const client of bundled) {
    delete result[client.name];
    const manifest = client.files.find((file) => file.path === 'package.json');
    const own = manifest
      ? (JSON.parse(manifest.content.toString('utf8')) as { dependencies?: Record<string, string>; bundleDependencies?: string[] })
      : {};
    for (const [name, range] of Object.entries(own.dependencies ?? {})) if (!own.bundleDependencies?.includes(name)) result[name] ??= range;
  }
  return Object.fromEntries(Object.entries(result).sort(([a], [b]) => byCodeUnits(a, b)));
}

/** package.json as npm writes it: two-space indent, final newline. */
export function packageJson(fields: Record<string, unknown>): Buffer {
  return Buffer.from(`${JSON.stringify(fields, null, 2)}\n`);
}
