/** Control frame types by name, for messages ("invalid SETTINGS frame"). */
const FRAME_NAMES = ['DATA', 'SYN_STREAM', 'SYN_REPLY', 'RST_STREAM', 'SETTINGS', 'NOOP', 'PING', 'GOAWAY', 'HEADERS', 'WINDOW_UPDATE', 'CREDENTIAL'];

/** The name of control frame type `type` ("SYN_STREAM"), or "frame type N" for one SPDY does not define. */
export function frameName(type: number): string {
  return FRAME_NAMES[type] ?? `frame type ${type}`;
}
