// The proxy benchmark's backend: a node:http server answering every request
// with the same small reply, in a process of its own. Prints "port N" once
// listening; ends with its parent (stdin closes).
import http from 'node:http';

const BODY = Buffer.from('{"ok":true,"note":"a small reply for the proxy benchmark"}\n');

const server = http.createServer((req, res) => {
  req.resume();
  req.once('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': BODY.length });
    res.end(BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
