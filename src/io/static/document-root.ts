/**
 * Where a request may reach: only what lies under the document root once
 * every symlink is followed. Comparing real paths is what stops a symlink
 * (or a directory swapped for one) from leading out of the root, which no
 * check on the request's text alone can see.
 */
import { realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';

/** The real path of the document root; throws InvalidArgumentError unless it is a directory. */
export async function realDocumentRoot(root: string): Promise<string> {
  if (typeof root !== 'string' || root === '') {
    throw new InvalidArgumentError('the document root must be a non-empty path');
  }
  let real: string;
  try {
    real = await realpath(root);
    if ((await stat(real)).isDirectory()) return real;
  } catch (error) {
    throw new InvalidArgumentError(`the document root ${root} cannot be opened`, { cause: error });
  }
  throw new InvalidArgumentError(`the document root ${root} is not a directory`);
}

/**
 * The real path of `candidate` when it exists and lies within `realRoot`
 * (the root itself included), else null. Errors other than "there is no
 * such file to be reached" are thrown.
 */
export async function realPathWithin(realRoot: string, candidate: string): Promise<string | null> {
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (error) {
    if (isUnreachable(error)) return null;
    throw error;
  }
  const prefix = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  return real === realRoot || real.startsWith(prefix) ? real : null;
}

// What the OS answers when a path names nothing this process may read:
// spdyd answers all of these with 404, as its open() fails the same way.
const UNREACHABLE = new Set(['ENOENT', 'ENOTDIR', 'ELOOP', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'EISDIR']);

/** True for a file-system error meaning the path leads to nothing readable. */
export function isUnreachable(error: unknown): boolean {
  return UNREACHABLE.has((error as NodeJS.ErrnoException | null)?.code ?? '');
}
