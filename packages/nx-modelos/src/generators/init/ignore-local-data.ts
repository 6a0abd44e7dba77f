import type { Tree } from '@nx/devkit';

/**
 * ModelOS's local data: the interface cache and the embedded registry. Both are data, not
 * sources; the registry lives at the workspace root, outside every project, so it never makes
 * a closure dirty, but it has no place in commits either.
 */
const LOCAL_DATA = ['.modelos/cache', '.modelos/registry'];

export function ignoreLocalData(tree: Tree): void {
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8')! : '';
  const ignored = new Set(current.split(/\r?\n/).map((line) => line.trim().replace(/^\//, '').replace(/\/$/, '')));
  if (ignored.has('.modelos')) return;
  const missing = LOCAL_DATA.filter((entry) => !ignored.has(entry));
  if (missing.length === 0) return;
  const separator = current === '' ? '' : current.endsWith('\n') ? '\n' : '\n\n';
  const block = ['# ModelOS: interface cache and embedded OCI registry', ...missing.map((entry) => `/${entry}`)];
  tree.write('.gitignore', `${current}${separator}${block.join('\n')}\n`);
}
