/**
 * The bytes memSend() and memSendv() hand out belong to the caller alone:
 * each header frame's `.buffer` holds that frame and nothing else (no other
 * frame, no other session's headers), and transferring it (to a worker, as
 * postMessage does) leaves every later frame of every session intact.
 * Until these tests, small header frames were views into an 8 KiB slab
 * shared by all the sessions of a thread (issue 16).
 */
import { describe, expect, it } from 'vitest';
import { CLIENT, PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1, SERVER, SYN_REPLY, SYN_STREAM, Session } from '../../src/index.js';
import type { SynReplyFrame, SynStreamFrame } from '../../src/index.js';

const VERSIONS = [PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1];

function requestNv(tag: string): Array<[string, string]> {
  return [
    [':method', 'GET'],
    [':path', `/${tag}`],
    [':version', 'HTTP/1.1'],
    [':scheme', 'https'],
    [':host', 'example.org'],
    ['cookie', `secret-of-${tag}`],
  ];
}

/** Every byte `session` has to send, as the chunks memSend() returned. */
function drain(session: Session): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let bytes = session.memSend(); bytes !== null; bytes = session.memSend()) out.push(bytes);
  return out;
}

/** The whole ArrayBuffer behind `bytes`, as bytes. */
function wholeBuffer(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer);
}

/** Moves `bytes.buffer` away as postMessage({ transfer }) does: `bytes` is detached afterwards. */
function transferAway(bytes: Uint8Array): ArrayBuffer {
  const buffer = bytes.buffer as ArrayBuffer;
  return structuredClone(buffer, { transfer: [buffer] });
}

describe.each(VERSIONS)('buffers handed out by memSend (protocol %i)', (version) => {
  it("a header frame's .buffer holds that frame alone, never another session's headers", () => {
    const alice = new Session(CLIENT, version);
    const bob = new Session(CLIENT, version);
    const chunks: Array<{ owner: string; bytes: Uint8Array }> = [];
    for (let i = 0; i < 20; i++) {
      alice.submitRequest(3, requestNv(`alice-${i}`));
      for (const bytes of drain(alice)) chunks.push({ owner: 'alice', bytes });
      bob.submitRequest(3, requestNv(`bob-${i}`));
      for (const bytes of drain(bob)) chunks.push({ owner: 'bob', bytes });
    }
    expect(chunks).toHaveLength(40);
    for (const { owner, bytes } of chunks) {
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
      // A client compresses at level 0: the other session's cookie would be readable.
      const text = new TextDecoder('latin1').decode(wholeBuffer(bytes));
      expect(text).toContain(`secret-of-${owner}`);
      expect(text).not.toContain(`secret-of-${owner === 'alice' ? 'bob' : 'alice'}`);
    }
  });

  it('memSendv hands out control frames with buffers of their own too', () => {
    const session = new Session(SERVER, version);
    const client = new Session(CLIENT, version);
    client.submitRequest(3, requestNv('one'));
    client.submitRequest(3, requestNv('two'));
    for (const bytes of drain(client)) session.memRecv(bytes);
    session.submitSynReply(1, 1, [[':status', '200 OK'], [':version', 'HTTP/1.1']]);
    session.submitSynReply(1, 3, [[':status', '404 Not Found'], [':version', 'HTTP/1.1']]);
    session.submitPing();
    const views = session.memSendv()!;
    expect(views).toHaveLength(3);
    for (const view of views) expect(view.buffer.byteLength).toBe(view.byteLength);
  });

  it("transferring a frame's buffer away leaves later frames of this and other sessions whole", () => {
    const replies: string[] = [];
    const sender = new Session(CLIENT, version, {
      onCtrlRecvCb: (_s, frame) => {
        if (frame.frameType === SYN_REPLY) replies.push((frame as SynReplyFrame).nv.find(([n]) => n === ':status')![1]);
      },
    });
    const server = new Session(SERVER, version);
    const paths: string[] = [];
    const bystander = new Session(CLIENT, version);
    const bystanderServer = new Session(SERVER, version, {
      onCtrlRecvCb: (_s, frame) => {
        if (frame.frameType === SYN_STREAM) paths.push((frame as SynStreamFrame).nv.find(([n]) => n === ':path')![1]);
      },
    });
    /** Transfers each chunk's buffer away (checking it moved whole), delivering a copy to `to`. */
    const transferEach = (from: Session, to: Session) => {
      for (const bytes of drain(from)) {
        const copy = bytes.slice();
        const moved = transferAway(bytes);
        expect(bytes.byteLength).toBe(0);
        expect(new Uint8Array(moved)).toEqual(copy);
        to.memRecv(copy);
      }
    };
    for (let i = 0; i < 5; i++) {
      sender.submitRequest(3, requestNv(`sent-${i}`));
      transferEach(sender, server);
      bystander.submitRequest(3, requestNv(`kept-${i}`));
      for (const bytes of drain(bystander)) bystanderServer.memRecv(bytes);
    }
    expect(paths).toEqual(['/kept-0', '/kept-1', '/kept-2', '/kept-3', '/kept-4']);
    // The server's replies (level-9 deflate, the other route) survive it too.
    for (let id = 1; id <= 9; id += 2) {
      server.submitSynReply(1, id, [[':status', `${200 + id} Fine`], [':version', 'HTTP/1.1']]);
      transferEach(server, sender);
    }
    expect(replies).toEqual(['201 Fine', '203 Fine', '205 Fine', '207 Fine', '209 Fine']);
  });
});
