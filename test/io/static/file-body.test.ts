/**
 * openFileBody streams exactly the file and the byte count a reply promised,
 * and refuses a file that is no longer the one resolved.
 */
import { existsSync } from 'node:fs';
import {
  appendFile,
  mkdtemp,
  readdir,
  readlink,
  realpath,
  rename,
  rm,
  symlink,
  truncate,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFileBody } from '../../../src/io/static/file-body.js';
import { resolveStatic } from '../../../src/io/static/resolve.js';
import type { StaticFileBody } from '../../../src/io/static/resolve.js';
import { request } from '../../helpers/static-site.js';

let root: string;
let counter = 0;
const hasProcFd = existsSync('/proc/self/fd');

/**
 * How many of this process's descriptors are open on `path`, read from
 * /proc. Closing is asynchronous, so when `settlesAt` is given the count is
 * polled (a bounded number of turns of the event loop) until it gets there.
 */
async function openDescriptorsOf(path: string, settlesAt?: number): Promise<number> {
  let count = -1;
  for (let turn = 0; turn < 200; turn++) {
    const fds = await readdir('/proc/self/fd');
    const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
    count = targets.filter((target) => target === path).length;
    if (settlesAt === undefined || count === settlesAt) return count;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return count;
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'spdyd-body-')));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A new file with `content`, and the body resolveStatic describes for it. */
async function served(content: Uint8Array | string): Promise<{ path: string; body: StaticFileBody }> {
  const name = `file-${++counter}.bin`;
  const path = join(root, name);
  await writeFile(path, content);
  const response = await resolveStatic(root, request(`/${name}`));
  if (response.body?.kind !== 'file') throw new Error(`expected a file body for ${name}`);
  return { path, body: response.body };
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function pattern(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
}

describe('openFileBody', () => {
  it('streams the whole file, across several chunks', async () => {
    const content = pattern(200_000);
    const { body } = await served(content);
    const stream = await openFileBody(body);
    expect(stream).not.toBeNull();
    const received = await readAll(stream!);
    expect(received.length).toBe(content.length);
    expect(received.equals(content)).toBe(true);
  });

  it('streams nothing for an empty file', async () => {
    const { body } = await served('');
    expect((await readAll((await openFileBody(body))!)).length).toBe(0);
  });

  it('is null when the file is gone', async () => {
    const { path, body } = await served('gone');
    await unlink(path);
    expect(await openFileBody(body)).toBeNull();
  });

  it('is null when another file was renamed into its place', async () => {
    const { path, body } = await served('original');
    const other = join(root, 'other.bin');
    await writeFile(other, 'replaced');
    await rename(other, path);
    expect(await openFileBody(body)).toBeNull();
  });

  it('is null when a symlink was put in its place, even one to the same content', async () => {
    const { path, body } = await served('original');
    const moved = `${path}.moved`;
    await rename(path, moved);
    await symlink(moved, path);
    expect(await openFileBody(body)).toBeNull();
  });

  it('is null when the file changed size or mtime since it was resolved', async () => {
    const grown = await served('short');
    await appendFile(grown.path, ' and longer');
    expect(await openFileBody(grown.body)).toBeNull();

    const touched = await served('same size');
    await utimes(touched.path, new Date(Date.UTC(2001, 0, 1)), new Date(Date.UTC(2001, 0, 1)));
    expect(await openFileBody(touched.body)).toBeNull();
  });

  it('sends only the promised bytes when the file grows after it was opened', async () => {
    const { path, body } = await served('12345');
    const stream = await openFileBody(body);
    await appendFile(path, '6789');
    expect((await readAll(stream!)).toString()).toBe('12345');
  });

  it('fails the stream when the file shrinks after it was opened, rather than send less than promised', async () => {
    const { path, body } = await served(pattern(10_000));
    const stream = await openFileBody(body);
    await truncate(path, 100);
    await expect(readAll(stream!)).rejects.toThrow(/shrank/);
  });

  it.skipIf(!hasProcFd)('closes the file when the stream is destroyed unread, or read to the end', async () => {
    const unread = await served('unread');
    const stream = (await openFileBody(unread.body))!;
    expect(await openDescriptorsOf(unread.path)).toBe(1);
    stream.destroy();
    expect(await openDescriptorsOf(unread.path, 0)).toBe(0);

    const read = await served('read');
    await readAll((await openFileBody(read.body))!);
    expect(await openDescriptorsOf(read.path, 0)).toBe(0);
  });

  it.skipIf(!hasProcFd)('leaves no file open when it answers null', async () => {
    const { path, body } = await served('original');
    await appendFile(path, 'changed');
    expect(await openFileBody(body)).toBeNull();
    expect(await openDescriptorsOf(path, 0)).toBe(0);
  });
});
