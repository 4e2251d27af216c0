/**
 * The stricter public surface: each mistake a new user makes is refused
 * with InvalidArgumentError by the call that made it, and the message names
 * the mistake (and, for a misspelt option, the name that was meant).
 */
import { describe, expect, it } from 'vitest';
import {
  CLIENT,
  CTRL_FLAG_FIN,
  DataProvider,
  InvalidArgumentError,
  PROTO_SPDY2,
  PROTO_SPDY3,
  SERVER,
  Session,
  SessionMachine,
} from '../../src/index.js';
import type { ReadCallback, SessionConfig, SessionOptions, SynStreamFrame } from '../../src/index.js';
import { EVERY_VERSION } from '../helpers/harness.js';

const V = PROTO_SPDY3;

/** The InvalidArgumentError `f` throws (failing the test if it throws nothing or something else). */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidArgumentError, nothing was thrown');
}

const withOptions = (options: unknown) => () => new Session(CLIENT, V, options as SessionOptions);
const withConfig = (config: unknown) => withOptions({ config });

describe('Session options', () => {
  it('must be an object or undefined', () => {
    expect(refusal(withOptions(null))).toBe('Session options must be an object or undefined, got null');
    expect(refusal(withOptions(7))).toBe('Session options must be an object or undefined, got 7');
    expect(refusal(withOptions([]))).toBe('Session options must be an object or undefined, got an array');
    expect(refusal(withOptions(() => 0))).toBe('Session options must be an object or undefined, got a function');
    expect(withOptions(undefined)).not.toThrow();
    expect(withOptions({})).not.toThrow();
  });

  it('a callback that is not a function is refused at construction, not inside memRecv', () => {
    expect(refusal(withOptions({ onCtrlRecvCb: 'log' }))).toBe('onCtrlRecvCb must be a function, got "log"');
    expect(refusal(withOptions({ sendCb: 1 }))).toBe('sendCb must be a function, got 1');
    expect(refusal(withOptions({ onStreamCloseCb: {} }))).toBe('onStreamCloseCb must be a function, got an object');
  });

  it('undefined or null (python-spdylay\'s None) is no callback', () => {
    expect(withOptions({ onCtrlRecvCb: undefined, onRequestRecvCb: null, userData: null })).not.toThrow();
  });

  it.each([
    ['on_request_recv_cb', 'onRequestRecvCb'],
    ['on_ctrl_recv_cb', 'onCtrlRecvCb'],
    ['send_cb', 'sendCb'],
    ['user_data', 'userData'],
    ['onctrlrecvcb', 'onCtrlRecvCb'],
  ])('python-style %s is refused: did you mean %s?', (key, meant) => {
    expect(refusal(withOptions({ [key]: () => {} }))).toBe(`unknown Session option '${key}' (did you mean ${meant}?)`);
  });

  it.each([
    ['onCtrlRecvdCb', 'onCtrlRecvCb'],
    ['onRequestRecv', 'onRequestRecvCb'],
    ['onDataChunkRcvCb', 'onDataChunkRecvCb'],
    ['confg', 'config'],
  ])('a misspelt %s is refused: did you mean %s?', (key, meant) => {
    expect(refusal(withOptions({ [key]: () => {} }))).toBe(`unknown Session option '${key}' (did you mean ${meant}?)`);
  });

  it('a key like no known one is refused with the list of known ones', () => {
    const message = refusal(withOptions({ logger: console }));
    expect(message).toMatch(/^unknown Session option 'logger' \(known: sendCb, recvCb, onCtrlRecvCb, .*, config, userData\)$/);
    expect(message).not.toContain('did you mean');
  });

  it('a refused key is found even among valid options', () => {
    expect(refusal(withOptions({ sendCb: () => 0, config: {}, onStreamCloseCB: () => {} }))).toBe(
      "unknown Session option 'onStreamCloseCB' (did you mean onStreamCloseCb?)",
    );
  });
});

describe('config', () => {
  it('unknown keys are refused, with the key that was meant', () => {
    expect(refusal(withConfig({ dataChunkSise: 100 }))).toBe("unknown config key 'dataChunkSise' (did you mean dataChunkSize?)");
    expect(refusal(withConfig({ header_encoding: 'latin1' }))).toBe("unknown config key 'header_encoding' (did you mean headerEncoding?)");
    expect(refusal(withConfig({ windowSize: 1 }))).toMatch(/^unknown config key 'windowSize' \(known: headerEncoding, dataChunkSize, .*, memSendChunkSize, sessionWindowOverrunTolerance, flowControl, maxQueuedReplies, maxPeerStreamResets\)$/);
  });

  it('undefined and null (python-spdylay\'s config=None) mean the defaults; anything else not an object is refused', () => {
    expect(withConfig(undefined)).not.toThrow();
    expect(withConfig(null)).not.toThrow();
    expect(refusal(withConfig('latin1'))).toBe('config must be an object or undefined, got "latin1"');
  });

  it('values of the wrong kind are refused by name', () => {
    expect(refusal(withConfig({ headerEncoding: 'ascii' }))).toBe(`config.headerEncoding must be 'utf8' or 'latin1', got "ascii"`);
    expect(refusal(withConfig({ autoWindowUpdate: 'no' }))).toBe('config.autoWindowUpdate must be true or false, got "no"');
    expect(refusal(withConfig({ flowControl: 0 }))).toBe('config.flowControl must be true or false, got 0');
    expect(refusal(withConfig({ headerCodec: {} }))).toBe('config.headerCodec must be an object with an encoder and a decoder, got an object');
    expect(refusal(withConfig({ dataChunkSize: '4096' }))).toBe('config.dataChunkSize must be an integer 1..16777215, got "4096"');
    expect(refusal(withConfig({ memSendChunkSize: 0 }))).toBe('config.memSendChunkSize must be an integer 1..2147483647, got 0');
  });

  it('headerEncoding is checked even when a headerCodec replaces the built-in one', () => {
    const codec = { encoder: {}, decoder: {} } as unknown as SessionConfig['headerCodec'];
    expect(refusal(withConfig({ headerCodec: codec, headerEncoding: 'utf-8' }))).toContain("config.headerEncoding must be 'utf8' or 'latin1'");
  });

  it('SessionMachine checks its config and its sink the same way', () => {
    expect(refusal(() => new SessionMachine(CLIENT, V, () => {}, { autoWindowUpdates: false } as SessionConfig))).toBe(
      "unknown config key 'autoWindowUpdates' (did you mean autoWindowUpdate?)",
    );
    expect(refusal(() => new SessionMachine(CLIENT, V, undefined as never))).toBe('sink must be a function, got undefined');
  });
});

describe('DataProvider', () => {
  it('without a read callback is refused at construction, not when DATA is due', () => {
    const make = (readCb: unknown) => () => new DataProvider('body', readCb as ReadCallback<string>);
    expect(refusal(make(undefined))).toBe('DataProvider needs a readCb function, got undefined');
    expect(refusal(make('read'))).toBe('DataProvider needs a readCb function, got "read"');
  });

  it('the readCb setter refuses a non-function and keeps the callback it had', () => {
    const read: ReadCallback<null> = (_s, _id, _len, ctrl) => ((ctrl.flags = 1), new Uint8Array(1));
    const provider = new DataProvider(null, read);
    expect(refusal(() => (provider.readCb = null as unknown as ReadCallback<null>))).toBe('DataProvider needs a readCb function, got null');
    expect(provider.readCb).toBe(read);
    const other: ReadCallback<null> = () => new Uint8Array(0);
    provider.readCb = other;
    expect(provider.readCb).toBe(other);
  });
});

describe('priority', () => {
  it('must be an integer 0..255: a string is refused and shown as one', () => {
    const s = new Session(CLIENT, V);
    expect(refusal(() => s.submitRequest('3' as unknown as number, [[':path', '/']]))).toBe(
      'pri must be an integer 0..255 (above 7, the lowest, it is clamped to 7), got "3"',
    );
    expect(refusal(() => s.submitSynStream(0, 256, [[':path', '/']]))).toContain('got 256');
    expect(new Session(CLIENT, PROTO_SPDY2).getPriLowest()).toBe(3);
    expect(refusal(() => new Session(CLIENT, PROTO_SPDY2).submitRequest(-1, []))).toContain('clamped to 3), got -1');
  });

  it('above the lowest is clamped to it, as spdylay does, by submitRequest and submitSynStream alike', () => {
    for (const { version } of EVERY_VERSION) {
      const sent: number[] = [];
      const s = new Session(CLIENT, version, { onCtrlSendCb: (_s, f) => sent.push((f as SynStreamFrame).pri) });
      s.submitRequest(99, [[':path', '/a']]);
      s.submitSynStream(CTRL_FLAG_FIN, 99, [[':path', '/b']]);
      s.submitSynStream(CTRL_FLAG_FIN, 255, [[':path', '/c']]);
      s.memSend();
      const lowest = s.getPriLowest();
      expect(sent).toEqual([lowest, lowest, lowest]);
    }
  });
});

describe('send()', () => {
  it('without a sendCb is refused, naming sendCb and memSend', () => {
    const s = new Session(CLIENT, V);
    expect(refusal(() => s.send())).toBe('send() needs a sendCb; without one, take the bytes from memSend()');
  });

  it('a sendCb given as null is no sendCb: refused the same way, and the frames wait for memSend()', () => {
    const s = new Session(CLIENT, V, { sendCb: null } as unknown as SessionOptions);
    s.submitPing();
    expect(refusal(() => s.send())).toBe('send() needs a sendCb; without one, take the bytes from memSend()');
    expect(s.memSend()!.length).toBe(12);
  });
});

describe('SessionMachine frame hand-off', () => {
  it('frameSent() refuses a frame nextFrame() did not hand out, and the same frame twice', () => {
    const m = new SessionMachine(CLIENT, V, () => {});
    m.submitPing();
    const frame = m.nextFrame()!;
    const forged = { head: frame.head, payload: null, length: frame.length };
    expect(refusal(() => m.frameSent(forged))).toBe('frameSent() takes the frame nextFrame() last returned, once');
    m.frameSent(frame);
    expect(refusal(() => m.frameSent(frame))).toBe('frameSent() takes the frame nextFrame() last returned, once');
  });
});
