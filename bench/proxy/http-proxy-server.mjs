// The JavaScript proxy users would otherwise run: http-proxy (HTTP/1.1 in,
// HTTP/1.1 out) with a keep-alive agent of 8 sockets, as spdyproxy's and
// nghttpx's default backend pool. `node http-proxy-server.mjs BACKEND_PORT`;
// prints "port N" once listening; ends with its parent.
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const httpProxy = require('http-proxy');

const backendPort = Number(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const proxy = httpProxy.createProxyServer({ target: `http://127.0.0.1:${backendPort}`, agent, xfwd: true });
proxy.on('error', (error, _req, res) => {
  res.writeHead?.(502);
  res.end?.();
});
const server = http.createServer((req, res) => proxy.web(req, res));
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
