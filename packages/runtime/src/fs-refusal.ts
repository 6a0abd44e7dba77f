import * as path from 'node:path';
import { UserError } from './errors';

/**
 * How a filesystem refuses what the user can fix: a file where a directory should be (ENOTDIR,
 * EEXIST from mkdir, EISDIR), no permission, a read-only or full disk.
 */
const REFUSALS = new Set(['ENOTDIR', 'EEXIST', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT']);

/**
 * `err` as a one-line UserError (`cannot write registry directory /r/ham: ENOTDIR: not a
 * directory, mkdir '/r/ham/blobs/sha256'`) when it is such a refusal of a path inside `dir`;
 * any other error unchanged, since that is a bug and keeps its stack.
 */
export function fileSystemRefusal(err: unknown, doing: 'read' | 'write', what: string, dir: string): unknown {
  // Duck-typed: errors from node internals may come from another realm (Jest), failing instanceof.
  const errno = err as Partial<NodeJS.ErrnoException> | null;
  const refused =
    typeof errno?.code === 'string' && REFUSALS.has(errno.code) && typeof errno.path === 'string' && isWithin(dir, errno.path);
  return refused ? new UserError(`cannot ${doing} ${what} ${dir}: ${String(errno.message).split('\n')[0]}`) : err;
}

function isWithin(dir: string, file: string): boolean {
  const relative = path.relative(path.resolve(dir), path.resolve(file));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
}
