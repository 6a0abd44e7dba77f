import { getDependencyVersionFromPackageJson, readNxJson, type Tree } from '@nx/devkit';

export type UnitTestRunner = 'jest' | 'vitest' | 'none';

/**
 * The unit test runner the workspace already uses, in @nx/js:library's order of preference
 * (jest, then vitest); jest when it has none. Unlike @nx/js:library in a TypeScript-solution
 * workspace, never `none` by default: the scaffolded spec must run under `nx test`.
 */
export function workspaceUnitTestRunner(tree: Tree): Exclude<UnitTestRunner, 'none'> {
  if (hasPlugin(tree, ['@nx/jest/plugin']) || hasDependency(tree, ['@nx/jest', 'jest'])) return 'jest';
  if (hasPlugin(tree, ['@nx/vitest', '@nx/vite/plugin']) || hasDependency(tree, ['@nx/vitest', '@nx/vite', 'vitest'])) return 'vitest';
  return 'jest';
}

/** Whether the workspace lints (ESLint or Oxlint), read the way @nx/js detects its linters. */
export function workspaceLints(tree: Tree): boolean {
  return hasPlugin(tree, ['@nx/eslint/plugin', '@nx/oxlint']) || hasDependency(tree, ['@nx/eslint', 'eslint', '@nx/oxlint', 'oxlint']);
}

function hasPlugin(tree: Tree, plugins: string[]): boolean {
  return !!readNxJson(tree)?.plugins?.some((entry) => plugins.includes(typeof entry === 'string' ? entry : entry.plugin));
}

function hasDependency(tree: Tree, packages: string[]): boolean {
  return tree.exists('package.json') && packages.some((pkg) => !!getDependencyVersionFromPackageJson(tree, pkg));
}
