// What the benchmark applications look at, as real ones would: a server
// reads each request's :path (from its SYN_STREAM, through onCtrlRecvCb,
// python-spdylay's way to see headers), a client checks each reply's
// :status. The peer's applications see the same (it parses every header
// block into stream.path / the 'response' event regardless), so neither
// side gets credit for headers nobody reads.
import { SYN_REPLY, SYN_STREAM } from '../../dist/index.js';

export function headerValue(nv, name) {
  for (let i = 0; i < nv.length; i++) if (nv[i][0] === name) return nv[i][1];
  return undefined;
}

/** The request number in `/index-<i>.html` or `/api/v2/items/<i>?...`. */
export function requestNumber(path) {
  const m = /(\d+)(?:\.html|\?|$)/.exec(path);
  if (m === null) throw new Error(`no request number in ${path}`);
  return Number(m[1]);
}

/** Server side: remembers each SYN_STREAM's :path until the request is handled. */
export function requestPaths() {
  const paths = new Map();
  return {
    onCtrlRecvCb(_session, frame) {
      if (frame.frameType === SYN_STREAM) paths.set(frame.streamId, headerValue(frame.nv, ':path'));
    },
    take(streamId) {
      const path = paths.get(streamId);
      if (path === undefined) throw new Error(`no :path seen for stream ${streamId}`);
      paths.delete(streamId);
      return path;
    },
  };
}

/** Client side: an onCtrlRecvCb that fails the run on a SYN_REPLY other than 200. */
export function checkStatus(_session, frame) {
  if (frame.frameType === SYN_REPLY) {
    const status = headerValue(frame.nv, ':status');
    if (status !== '200 OK') throw new Error(`stream ${frame.streamId}: status ${status}`);
  }
}
