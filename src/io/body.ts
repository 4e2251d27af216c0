/**
 * Bodies given as values (bytes, a string, a Readable, an async iterable)
 * written into a stream, with backpressure and errors carried across.
 */
import { Readable, pipeline } from 'node:stream';
import type { Writable } from 'node:stream';

export type RequestBody = string | Uint8Array | Readable | AsyncIterable<Uint8Array | string>;

/** Writes `body` into `stream` and ends it; a failing source destroys the stream with its error. */
export function pipeBody(body: RequestBody, stream: Writable): void {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    stream.end(body);
    return;
  }
  const source = body instanceof Readable ? body : Readable.from(body, { objectMode: false });
  pipeline(source, stream, (error) => {
    if (error) stream.destroy(error);
  });
}
