/**
 * The "pod's" TCP services for port-forward tests, on 127.0.0.1: an echo
 * server that sends back every byte it gets and then ends (half-close
 * honoured), and a server that prefixes its port number, so a test can
 * tell which port a connection reached.
 */
import * as net from 'node:net';

export interface EchoServer {
  port: number;
  close(): Promise<void>;
}

/** Echoes each connection back, tagged with `tag` first (empty by default). */
export async function startEchoServer(tag = ''): Promise<EchoServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (tag !== '') socket.write(tag);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Sends `body` on a new connection to `port`, half-closes, and resolves with everything that comes back. */
export function roundTrip(port: number, body: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => {
      socket.destroy();
      resolve(Buffer.concat(chunks));
    });
    socket.once('error', reject);
    socket.end(body);
  });
}
