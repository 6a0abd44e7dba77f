import { UserError } from '../errors';

/**
 * A closure path as given ('ham', './libs/ham/', '.') → repository-relative with no trailing
 * slash ('' for the repository top). Refuses paths that leave the workspace.
 */
export function repoRelative(prefix: string, closureName: string, closurePath: string): string {
  const segments = closurePath.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (closurePath.startsWith('/') || closurePath.includes('\\') || segments.includes('..')) {
    throw new UserError(
      `closure of ${closureName}: path "${closurePath}" is not inside the workspace (use workspace-relative posix paths such as libs/ham)`,
    );
  }
  const inWorkspace = segments.join('/');
  return inWorkspace === '' ? prefix.replace(/\/$/, '') : prefix + inWorkspace;
}

/**
 * Which owners (closures) contain a file, matching whole path segments only: a root `ham` owns
 * `ham/a.ts` and never `hamster/a.ts`. Lookup costs the file's depth, not the number of roots.
 */
export class PathOwners<T> {
  private readonly byRoot = new Map<string, Set<T>>();

  add(root: string, owner: T): void {
    const owners = this.byRoot.get(root) ?? new Set<T>();
    owners.add(owner);
    this.byRoot.set(root, owners);
  }

  /** Distinct roots, for pathspecs. */
  roots(): string[] {
    return [...this.byRoot.keys()];
  }

  ownersOf(file: string): T[] {
    const found: T[] = [...(this.byRoot.get('') ?? [])];
    for (let slash = file.indexOf('/'); slash !== -1; slash = file.indexOf('/', slash + 1)) {
      found.push(...(this.byRoot.get(file.slice(0, slash)) ?? []));
    }
    found.push(...(this.byRoot.get(file) ?? []));
    return found;
  }
}
