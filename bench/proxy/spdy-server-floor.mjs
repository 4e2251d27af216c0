// The floor of P's frontend side: our SPDY server alone, set up as
// spdyproxy sets it up (plain TCP, spdy/3.1, latin1 header bytes, the
// same idle timeout), answering every GET itself with the reply spdyproxy
// forwards from P's backend (the same status line, headers and 59-byte
// body), through the same stream API the proxy uses ('stream',
// respond(), write(), end()). No backend: what is left of a proxied
// request's cost is the backend client's and the proxy's own. Prints
// "port N" once listening; ends with its parent (stdin closes).
import { createServer } from '../../dist/index.js';

const BODY = Buffer.from('{"ok":true,"note":"a small reply for the proxy benchmark"}\n');
let date = new Date().toUTCString();
setInterval(() => (date = new Date().toUTCString()), 1000).unref();

const server = createServer({ tls: false, protocol: 'spdy/3.1', idleTimeout: 180_000, headerEncoding: 'latin1' });
server.on('stream', (stream) => {
  stream.on('error', () => {});
  stream.resume();
  stream.respond([
    [':status', '200 OK'],
    [':version', 'HTTP/1.1'],
    ['content-type', 'application/json'],
    ['content-length', String(BODY.length)],
    ['date', date],
    ['via', '1.1 spdyproxy'],
  ]);
  stream.write(BODY);
  stream.end();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
