import { extractInterface, UserError } from '@modelos/versioning-core';
import { getProjects, joinPathFragments, type GeneratorCallback, type ProjectConfiguration, type Tree } from '@nx/devkit';
import { posix } from 'node:path';
import { namesRepository } from './repository-name';
import { writeResourceFile } from './resource-file';
import type { ResourceGeneratorSchema } from './schema';
import { treeSourceFiles } from './tree-source-files';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Makes an existing project a resource: writes `resource.json` (and `metrics.json` with
 * --metrics) and nothing else, once core's interface extractor (the one store uses) has found
 * the class exported by the entry. Every refusal comes before the write.
 */
export async function convertToResource(tree: Tree, schema: ResourceGeneratorSchema & { project: string }): Promise<GeneratorCallback> {
  const project = getProjects(tree).get(schema.project);
  if (!project) throw new Error(`no project named "${schema.project}" in this workspace: --project names the library to make a resource`);
  if (schema.name || schema.directory) throw new Error('--project converts an existing library: leave out the name and --directory, which are for a new resource');
  if (!namesRepository(schema.project)) {
    throw new Error(
      `project name "${schema.project}" cannot name a registry repository (a resource's repository is <namespace>/<project name>): give the project a name of lowercase letters and digits separated by ".", "_" or "-" ("name" in its project.json, or "nx": { "name": … } in its package.json), e.g. ${suggestedName(schema.project)}`,
    );
  }
  const className = schema.class;
  if (!className || !IDENTIFIER.test(className)) {
    throw new Error(`--class must name the exported class that is the resource (e.g. --class Eggs)${className ? `; "${className}" is not a class name` : ''}`);
  }
  if (tree.exists(joinPathFragments(project.root, 'resource.json'))) {
    throw new Error(`${project.root}/resource.json exists already: ${schema.project} is a resource`);
  }
  const entry = schema.entry ?? defaultEntry(project);
  assertExportsClass(tree, joinPathFragments(project.root, entry), className);
  writeResourceFile(tree, project.root, { entry, className, metrics: schema.metrics });
  return () => undefined;
}

/** `@proj/eggs-lib` → `eggs-lib`: the last part, lowercased, other characters as dashes. */
function suggestedName(project: string): string {
  const last = project.split('/').pop()!.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return last || 'eggs';
}

/** The library's entry: the `main` its build target compiles, else `src/index.ts`. */
function defaultEntry(project: ProjectConfiguration): string {
  const main = project.targets?.build?.options?.main;
  return typeof main === 'string' ? posix.relative(project.root, main) : 'src/index.ts';
}

function assertExportsClass(tree: Tree, entryPath: string, className: string): void {
  try {
    extractInterface({ entryFile: posix.join(tree.root, entryPath), className, files: treeSourceFiles(tree) });
  } catch (error) {
    if (error instanceof UserError) throw new Error(`cannot make a resource of it: ${error.message.replace(tree.root + '/', '')}`);
    throw error;
  }
}
