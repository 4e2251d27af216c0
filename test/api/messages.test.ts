/**
 * Messages the library throws or prints name the numbers they mention
 * (names.ts), so a reader sees ERR_EOF or SETTINGS_INITIAL_WINDOW_SIZE
 * rather than -507 or 7.
 */
import { describe, expect, it } from 'vitest';
import {
  CallbackFailureError,
  CLIENT,
  DataProvider,
  ERR_EOF,
  InvalidArgumentError,
  PROTO_SPDY3,
  RST_STREAM,
  RstStreamFrame,
  SETTINGS_INITIAL_WINDOW_SIZE,
  Session,
} from '../../src/index.js';
import { formatCtrlFrame } from '../../src/io/cli/trace.js';

const V = PROTO_SPDY3;

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('names in messages', () => {
  it('a settings id given twice is named', () => {
    const s = new Session(CLIENT, V);
    const entries: Array<[number, number, number]> = [
      [SETTINGS_INITIAL_WINDOW_SIZE, 0, 1],
      [SETTINGS_INITIAL_WINDOW_SIZE, 0, 2],
    ];
    const error = thrown(() => s.submitSettings(0, entries));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toBe('settings id SETTINGS_INITIAL_WINDOW_SIZE (7) is given twice');
  });

  it('an unknown settings id says which ids there are', () => {
    const error = thrown(() => new Session(CLIENT, V).submitSettings(0, [[9, 0, 1]]));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toBe('settings id 9 is unknown (ids are 1..8)');
  });

  it('a data source returning an error code instead of bytes: the code is named', () => {
    const s = new Session(CLIENT, V);
    s.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => ERR_EOF));
    const error = thrown(() => s.memSend());
    expect(error).toBeInstanceOf(CallbackFailureError);
    expect(error.message).toBe('data source for stream 1 returned ERR_EOF (-507); it may return at most 4096 bytes, or ERR_DEFERRED');
  });

  it('a number that is no error code stays a number', () => {
    const s = new Session(CLIENT, V);
    s.submitRequest(0, [[':method', 'POST']], new DataProvider(null, () => 5));
    expect(thrown(() => s.memSend()).message).toContain('returned the number 5;');
  });

  it('the frame trace names the frame type', () => {
    const frame = new RstStreamFrame({ type: RST_STREAM, version: 3, flags: 0, length: 8, streamId: 1, statusCode: 5 });
    expect(formatCtrlFrame('recv', frame)[0]).toBe('recv RST_STREAM frame <version=3, flags=0, length=8>');
  });
});
