/**
 * Opening the file a StaticResponse describes, so that what is streamed is
 * exactly what the headers promised: the same file (not one renamed or
 * symlinked into its place since it was resolved) and exactly `size` bytes.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { isUnreachable } from './document-root.js';
import type { StaticFileBody } from './resolve.js';

const CHUNK_SIZE = 64 * 1024;

// O_NOFOLLOW refuses a symlink swapped in for the file; O_NONBLOCK keeps a
// FIFO swapped in from blocking the open (it then fails the identity check).
// Both are 0 where the platform lacks them.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * A stream of the file's `size` bytes, or null when the file is gone or is no
 * longer the one resolved (another file, or changed in size or mtime): then
 * resolve the request again. Open it before sending the reply's headers. The
 * stream fails if the file shrinks while it is read, so the caller can reset
 * the stream instead of sending less than content-length; bytes appended
 * meanwhile are not sent. Destroy the stream if it is not read to the end,
 * which closes the file.
 */
export async function openFileBody(body: StaticFileBody): Promise<Readable | null> {
  let handle: FileHandle;
  try {
    handle = await open(body.path, OPEN_FLAGS);
  } catch (error) {
    // ELOOP among them: O_NOFOLLOW met a symlink put in the file's place.
    if (isUnreachable(error)) return null;
    throw error;
  }
  try {
    const now = await handle.stat({ bigint: true });
    const unchanged =
      now.isFile() &&
      now.dev === body.dev &&
      now.ino === body.ino &&
      now.size === BigInt(body.size) &&
      now.mtimeNs === body.mtimeNs;
    if (!unchanged) {
      await handle.close();
      return null;
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  const stream = Readable.from(readExactly(handle, body.size), { objectMode: false });
  // On 'close' rather than in the generator: a stream destroyed before its
  // first read never starts the generator, so a finally there would not run.
  stream.once('close', () => void handle.close().catch(() => {}));
  return stream;
}

async function* readExactly(handle: FileHandle, size: number): AsyncGenerator<Buffer> {
  let position = 0;
  while (position < size) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, size - position));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) {
      throw new Error(`the file ended at byte ${position} of the ${size} promised: it shrank while being sent`);
    }
    position += bytesRead;
    yield chunk.subarray(0, bytesRead);
  }
}
