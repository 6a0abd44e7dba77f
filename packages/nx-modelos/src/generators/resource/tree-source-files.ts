import type { SourceFiles } from '@modelos/versioning-core';
import type { Tree } from '@nx/devkit';
import { relative } from 'node:path';

/** The generator's tree as core's SourceFiles: files written in this run count, the disk's do too. */
export function treeSourceFiles(tree: Tree): SourceFiles {
  const inTree = (file: string) => relative(tree.root, file);
  return {
    read: (file) => tree.read(inTree(file)) ?? undefined,
    isFile: (file) => tree.exists(inTree(file)) && tree.isFile(inTree(file)),
  };
}
