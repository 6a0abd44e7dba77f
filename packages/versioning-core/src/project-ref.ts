/** A project of the workspace as core sees it: no Nx types, just a name and where it lives. */
export interface ProjectRef {
  name: string;
  /** Workspace-relative root, posix separators. */
  root: string;
}
