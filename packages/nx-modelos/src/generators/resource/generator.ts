import {
  addProjectConfiguration,
  formatFiles,
  generateFiles,
  getWorkspaceLayout,
  joinPathFragments,
  names,
  type Tree,
} from '@nx/devkit';
import { join } from 'node:path';
import { initGenerator } from '../init/generator';
import type { ResourceGeneratorSchema } from './schema';

/** The name is also a registry repository component (OCI distribution spec). */
const REPOSITORY_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;

export async function resourceGenerator(tree: Tree, schema: ResourceGeneratorSchema): Promise<void> {
  const { fileName, className } = names(schema.name);
  if (!REPOSITORY_COMPONENT.test(fileName)) {
    throw new Error(
      `resource name "${schema.name}" cannot name a registry repository; use lowercase letters and digits separated by ".", "_" or "-", e.g. ham or price-model`,
    );
  }
  const projectRoot = joinPathFragments(schema.directory ?? joinPathFragments(getWorkspaceLayout(tree).libsDir, fileName));
  // Without the plugin in nx.json the new project would have no store target.
  await initGenerator(tree, { skipFormat: true });
  addProjectConfiguration(tree, fileName, {
    root: projectRoot,
    sourceRoot: joinPathFragments(projectRoot, 'src'),
    projectType: 'library',
    tags: [],
    targets: {},
  });
  generateFiles(tree, join(__dirname, 'files'), projectRoot, { fileName, className });
  if (!schema.skipFormat) await formatFiles(tree);
}

export default resourceGenerator;
