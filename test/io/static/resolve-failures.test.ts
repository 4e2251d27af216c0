/**
 * File-system failures that are not "no such file": a real server meets them
 * (descriptors run out, a disk fails) but a test cannot cause them, so stat
 * is made to fail for one name.
 */
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorPage } from '../../../src/io/static/http-status.js';
import { resolveStatic } from '../../../src/io/static/resolve.js';
import { bodyText, header, request } from '../../helpers/static-site.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, stat: vi.fn(actual.stat) };
});

const TROUBLED = 'troubled.txt';
let root: string;
let failureCode: string | undefined;

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'spdyd-failures-')));
  await writeFile(join(root, TROUBLED), 'x');
  const actualStat = (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises')).stat;
  vi.mocked(fsPromises.stat).mockImplementation(((path: string, options?: { bigint?: boolean }) => {
    if (String(path).endsWith(TROUBLED)) {
      const failure = new Error(`${failureCode}: simulated, stat '${path}'`) as NodeJS.ErrnoException;
      if (failureCode !== undefined) failure.code = failureCode;
      return Promise.reject(failure);
    }
    return actualStat(path, options);
  }) as typeof fsPromises.stat);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a file-system failure', () => {
  it('that is not about the path is a 500 with the error page', async () => {
    failureCode = 'EMFILE';
    const response = await resolveStatic(root, request(`/${TROUBLED}`), { serverName: 's', port: 1 });
    expect(response.status).toBe(500);
    expect(header(response, ':status')).toBe('500 Internal Server Error');
    expect(bodyText(response)).toBe(errorPage(500, undefined, 's at port 1'));
  });

  it('that means the path leads nowhere readable is a 404, as spdyd answers a failed open', async () => {
    for (const code of ['EACCES', 'EPERM', 'ELOOP', 'ENAMETOOLONG']) {
      failureCode = code;
      expect((await resolveStatic(root, request(`/${TROUBLED}`))).status, code).toBe(404);
    }
  });

  it('that is not a system error at all (a bug) is thrown, not hidden in a 500', async () => {
    failureCode = undefined;
    await expect(resolveStatic(root, request(`/${TROUBLED}`))).rejects.toThrow(/simulated/);
  });
});
