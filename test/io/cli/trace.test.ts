/**
 * The -v frame printer against the format of spdylay's src/spdylay_ssl.cc:
 * print_timer (`[%3ld.%03ld]`), print_frame and print_ctrl_hd (the frame
 * line and each type's fields), print_nv (ten-space indent, `name: value`),
 * print_data_frame, the on_invalid_ctrl_recv / parse-error / unknown-frame
 * printers with dump_header, and the colours of ansi_esc. Several expected
 * blocks are the sample sessions in spdylay's README.rst.
 */
import { describe, expect, it } from 'vitest';
import {
  ERR_INVALID_HEADER_BLOCK,
  ERR_FATAL,
  GOAWAY,
  HEADERS,
  PING,
  PROTOCOL_ERROR,
  RST_STREAM,
  SETTINGS,
  SYN_REPLY,
  SYN_STREAM,
  WINDOW_UPDATE,
} from '../../../src/core/constants.js';
import {
  GoawayFrame,
  HeadersFrame,
  PingFrame,
  RstStreamFrame,
  SettingsFrame,
  SynReplyFrame,
  SynStreamFrame,
  WindowUpdateFrame,
} from '../../../src/core/api/frames.js';
import {
  TracePrinter,
  colorEnabled,
  formatCtrlFrame,
  formatDataFrame,
  formatTimer,
} from '../../../src/io/cli/trace.js';
import { statusCodeName, strerror } from '../../../src/io/cli/codes.js';
import { Session, SERVER, PROTO_SPDY3, GOAWAY_OK } from '../../../src/index.js';

const I = ' '.repeat(10);

const synStream = new SynStreamFrame({
  type: SYN_STREAM, version: 3, flags: 1, length: 106, streamId: 1, assocStreamId: 0, pri: 3, slot: 0,
  nv: [[':host', 'www.google.com'], [':method', 'GET'], [':path', '/'], [':scheme', 'https'],
    [':version', 'HTTP/1.1'], ['accept', '*/*'], ['user-agent', 'spdylay/0.2.0']],
});
const settings = new SettingsFrame({ type: SETTINGS, version: 3, flags: 0, length: 20, iv: [[4, 1, 100], [7, 0, 12288]] });
const goaway = new GoawayFrame({ type: GOAWAY, version: 3, flags: 0, length: 8, lastGoodStreamId: 0, statusCode: 0 });

describe('formatTimer (print_timer: [%3ld.%03ld] of the truncated elapsed time)', () => {
  it.each([
    [0, '[  0.000]'],
    [3.99, '[  0.003]'],
    [35, '[  0.035]'],
    [17456.9, '[ 17.456]'],
    [999999, '[999.999]'],
    [1234567, '[1234.567]'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatTimer(ms)).toBe(text);
  });

  it('a negative or non-finite time prints as zero rather than a broken stamp', () => {
    expect(formatTimer(-5)).toBe('[  0.000]');
    expect(formatTimer(Number.NaN)).toBe('[  0.000]');
  });

  it('is yellow when coloured', () => {
    expect(formatTimer(35, { color: true })).toBe('\x1b[33m[  0.035]\x1b[0m');
  });
});

describe('formatCtrlFrame (print_frame)', () => {
  it('SYN_STREAM: the frame line, its ids and priority, then each header (README sample)', () => {
    expect(formatCtrlFrame('send', synStream)).toEqual([
      'send SYN_STREAM frame <version=3, flags=1, length=106>',
      `${I}(stream_id=1, assoc_stream_id=0, pri=3)`,
      `${I}:host: www.google.com`,
      `${I}:method: GET`,
      `${I}:path: /`,
      `${I}:scheme: https`,
      `${I}:version: HTTP/1.1`,
      `${I}accept: */*`,
      `${I}user-agent: spdylay/0.2.0`,
    ]);
  });

  it('SETTINGS: the entry count, then one [id(flags):value] line per entry (README sample)', () => {
    expect(formatCtrlFrame('recv', settings)).toEqual([
      'recv SETTINGS frame <version=3, flags=0, length=20>',
      `${I}(niv=2)`,
      `${I}[4(1):100]`,
      `${I}[7(0):12288]`,
    ]);
  });

  it('SETTINGS with no entries prints niv=0 and nothing more', () => {
    const empty = new SettingsFrame({ type: SETTINGS, version: 3, flags: 1, length: 4, iv: [] });
    expect(formatCtrlFrame('send', empty)).toEqual(['send SETTINGS frame <version=3, flags=1, length=4>', `${I}(niv=0)`]);
  });

  it('GOAWAY: the last good stream id only; spdylay does not print the status code (README sample)', () => {
    expect(formatCtrlFrame('send', goaway)).toEqual([
      'send GOAWAY frame <version=3, flags=0, length=8>',
      `${I}(last_good_stream_id=0)`,
    ]);
    const failing = new GoawayFrame({ type: GOAWAY, version: 3, flags: 0, length: 8, lastGoodStreamId: 5, statusCode: 2 });
    expect(formatCtrlFrame('recv', failing)[1]).toBe(`${I}(last_good_stream_id=5)`);
  });

  it('SYN_REPLY and HEADERS: the stream id, then the headers', () => {
    const reply = new SynReplyFrame({ type: SYN_REPLY, version: 2, flags: 0, length: 40, streamId: 1,
      nv: [[':status', '302 Found'], ['location', 'https://www.google.co.jp/']] });
    expect(formatCtrlFrame('recv', reply)).toEqual([
      'recv SYN_REPLY frame <version=2, flags=0, length=40>',
      `${I}(stream_id=1)`,
      `${I}:status: 302 Found`,
      `${I}location: https://www.google.co.jp/`,
    ]);
    const headers = new HeadersFrame({ type: HEADERS, version: 3, flags: 1, length: 12, streamId: 3, nv: [['x-trailer', 'yes']] });
    expect(formatCtrlFrame('recv', headers)).toEqual([
      'recv HEADERS frame <version=3, flags=1, length=12>',
      `${I}(stream_id=3)`,
      `${I}x-trailer: yes`,
    ]);
  });

  it('a value holding NUL-joined values gets a line per value', () => {
    const reply = new SynReplyFrame({ type: SYN_REPLY, version: 3, flags: 0, length: 30, streamId: 1,
      nv: [['set-cookie', 'a=1\0b=2']] });
    expect(formatCtrlFrame('recv', reply).slice(2)).toEqual([`${I}set-cookie: a=1`, `${I}set-cookie: b=2`]);
  });

  it('RST_STREAM, PING and WINDOW_UPDATE carry their fields', () => {
    const rst = new RstStreamFrame({ type: RST_STREAM, version: 3, flags: 0, length: 8, streamId: 5, statusCode: 3 });
    const ping = new PingFrame({ type: PING, version: 3, flags: 0, length: 4, uniqueId: 1 });
    const wu = new WindowUpdateFrame({ type: WINDOW_UPDATE, version: 3, flags: 0, length: 8, streamId: 0, deltaWindowSize: 65536 });
    expect(formatCtrlFrame('send', rst)).toEqual([
      'send RST_STREAM frame <version=3, flags=0, length=8>',
      `${I}(stream_id=5, status_code=3)`,
    ]);
    expect(formatCtrlFrame('recv', ping)).toEqual(['recv PING frame <version=3, flags=0, length=4>', `${I}(unique_id=1)`]);
    expect(formatCtrlFrame('send', wu)).toEqual([
      'send WINDOW_UPDATE frame <version=3, flags=0, length=8>',
      `${I}(stream_id=0, delta_window_size=65536)`,
    ]);
  });

  it('prints numbers as C\'s %d and %u do: a PING id past 2^31-1 (printed %d) shows negative', () => {
    const ping = new PingFrame({ type: PING, version: 3, flags: 0, length: 4, uniqueId: 0xfffffffe });
    expect(formatCtrlFrame('recv', ping)[1]).toBe(`${I}(unique_id=-2)`);
    const big = new SettingsFrame({ type: SETTINGS, version: 3, flags: 0, length: 12, iv: [[7, 0, 0xffffffff]] });
    expect(formatCtrlFrame('recv', big)[2]).toBe(`${I}[7(0):4294967295]`);
  });

  it('colours the frame name magenta when sent, cyan when received, header names blue', () => {
    const [line, ids, host] = formatCtrlFrame('send', synStream, { color: true });
    expect(line).toBe('send \x1b[1;35mSYN_STREAM\x1b[0m frame <version=3, flags=1, length=106>');
    expect(ids).toBe(`${I}(stream_id=1, assoc_stream_id=0, pri=3)`);
    expect(host).toBe(`${I}\x1b[1;34m:host\x1b[0m: www.google.com`);
    expect(formatCtrlFrame('recv', settings, { color: true })[0]).toBe(
      'recv \x1b[1;36mSETTINGS\x1b[0m frame <version=3, flags=0, length=20>');
  });
});

describe('formatDataFrame (print_data_frame)', () => {
  it('names stream, flags and length in one line (README sample)', () => {
    expect(formatDataFrame('recv', 1, 1, 222)).toBe('recv DATA frame (stream_id=1, flags=1, length=222)');
    expect(formatDataFrame('send', 0, 3, 15, { color: true })).toBe(
      'send \x1b[1;35mDATA\x1b[0m frame (stream_id=3, flags=0, length=15)');
  });
});

describe('TracePrinter', () => {
  it('stamps the first line of each event and keeps the indented lines as they are (README spdycat sample)', () => {
    const out = new TracePrinter();
    const text = out.ctrlFrame(35.2, 'recv', settings) + out.dataFrame(77, 'recv', 1, 1, 222) + out.ctrlFrame(77.9, 'send', goaway);
    expect(text).toBe(
      '[  0.035] recv SETTINGS frame <version=3, flags=0, length=20>\n' +
      '          (niv=2)\n' +
      '          [4(1):100]\n' +
      '          [7(0):12288]\n' +
      '[  0.077] recv DATA frame (stream_id=1, flags=1, length=222)\n' +
      '[  0.077] send GOAWAY frame <version=3, flags=0, length=8>\n' +
      '          (last_good_stream_id=0)\n');
  });

  it('puts spdyd\'s [id=N] before the stamp of the first line only (README spdyd sample)', () => {
    const out = new TracePrinter({ sessionId: 1 });
    const sent = new SettingsFrame({ type: SETTINGS, version: 3, flags: 0, length: 12, iv: [[4, 0, 100]] });
    expect(out.ctrlFrame(17456, 'send', sent) + out.event(17468, 'stream_id=1 closed') + out.event(17468, 'closed')).toBe(
      '[id=1] [ 17.456] send SETTINGS frame <version=3, flags=0, length=12>\n' +
      '          (niv=1)\n' +
      '          [4(0):100]\n' +
      '[id=1] [ 17.468] stream_id=1 closed\n' +
      '[id=1] [ 17.468] closed\n');
  });

  it('prints the frames a real session sends as spdyd prints its opening SETTINGS (README spdyd sample)', () => {
    const out = new TracePrinter({ sessionId: 1 });
    let text = '';
    const session = new Session(SERVER, PROTO_SPDY3, {
      onCtrlSendCb: (_s, frame) => (text += out.ctrlFrame(17456, 'send', frame)),
    });
    session.submitSettings(0, [[4, 0, 100]]);
    session.submitGoaway(GOAWAY_OK);
    session.memSend();
    expect(text).toBe(
      '[id=1] [ 17.456] send SETTINGS frame <version=3, flags=0, length=12>\n' +
      '          (niv=1)\n' +
      '          [4(0):100]\n' +
      '[id=1] [ 17.456] send GOAWAY frame <version=3, flags=0, length=8>\n' +
      '          (last_good_stream_id=0)\n');
  });

  it('prints a free-form event after the stamp, as spdycat\'s "Handshake complete"', () => {
    expect(new TracePrinter().event(12, 'Handshake complete')).toBe('[  0.012] Handshake complete\n');
  });

  it('marks an invalid frame with the status name it drew (on_invalid_ctrl_recv_callback)', () => {
    const reply = new SynReplyFrame({ type: SYN_REPLY, version: 3, flags: 0, length: 20, streamId: 2, nv: [[':status', '200 OK']] });
    expect(new TracePrinter().invalidCtrlFrame(3, reply, PROTOCOL_ERROR)).toBe(
      '[  0.003] [INVALID; status=PROTOCOL_ERROR] recv SYN_REPLY frame <version=3, flags=0, length=20>\n' +
      '          (stream_id=2)\n' +
      '          :status: 200 OK\n');
  });

  it('prints a parse error with spdylay_strerror\'s text and a header dump (on_ctrl_recv_parse_error_callback)', () => {
    const head = Uint8Array.of(0x80, 0x03, 0x00, 0x01, 0x01, 0x00, 0x00, 0x0a);
    expect(new TracePrinter().parseError(1500, SYN_STREAM, head, ERR_INVALID_HEADER_BLOCK)).toBe(
      '[  1.500] [PARSE_ERROR] recv SYN_STREAM frame\n' +
      '          Error: Invalid header block\n' +
      '          Header dump: 80 03 00 01 01 00 00 0A \n');
  });

  it('prints an unknown frame with its header dump (on_unknown_ctrl_recv_callback)', () => {
    const head = Uint8Array.of(0x80, 0x03, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00);
    expect(new TracePrinter().unknownFrame(2, head)).toBe(
      '[  0.002] recv unknown frame\n' +
      '          Header dump: 80 03 00 FF 00 00 00 00 \n');
  });

  it('colours the stamp and the names when made with color', () => {
    expect(new TracePrinter({ color: true }).dataFrame(1, 'recv', 0, 1, 5)).toBe(
      '\x1b[33m[  0.001]\x1b[0m recv \x1b[1;36mDATA\x1b[0m frame (stream_id=1, flags=0, length=5)\n');
  });
});

describe('codes (strstatus, spdylay_strerror)', () => {
  it('names every status code and says spdylay\'s words for an unknown one', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(statusCodeName)).toEqual([
      'OK', 'PROTOCOL_ERROR', 'INVALID_STREAM', 'REFUSED_STREAM', 'UNSUPPORTED_VERSION', 'CANCEL',
      'INTERNAL_ERROR', 'FLOW_CONTROL_ERROR', 'STREAM_IN_USE', 'STREAM_ALREADY_CLOSED', 'INVALID_CREDENTIALS',
      'FRAME_TOO_LARGE',
    ]);
    expect(statusCodeName(12)).toBe('Unknown status code');
  });

  it('has spdylay_strerror\'s text, and its fallback for a code it does not list (ERR_FATAL)', () => {
    expect(strerror(0)).toBe('Success');
    expect(strerror(ERR_INVALID_HEADER_BLOCK)).toBe('Invalid header block');
    expect(strerror(-902)).toBe('The user callback function failed');
    expect(strerror(ERR_FATAL)).toBe('Unknown error code');
  });
});

describe('colorEnabled (spdycat: --color, or stdout is a terminal)', () => {
  it.each([
    ['auto', true, true],
    ['auto', false, false],
    ['always', false, true],
    ['never', true, false],
  ] as const)('%s with a tty=%s colours: %s', (mode, tty, expected) => {
    expect(colorEnabled(mode, tty)).toBe(expected);
  });
});
