/**
 * Our Kubernetes streaming endpoint (createKubeSpdyHandler) on an HTTP
 * server on 127.0.0.1, and the fake commands the tests run in its "pod":
 * `cat`, `sha256` (of stdin), `emit N` (N pattern bytes), `stderr TEXT`,
 * `exit N`, `fail TEXT` (the handler throws), `resize N` (prints the first
 * N terminal sizes).
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKubeSpdyHandler } from '../../src/index.js';
import type { ExecRequest, KubeSpdyHandler, KubeSpdyHandlerOptions } from '../../src/index.js';
import { patternBytes } from '../helpers/loopback.js';

export interface KubeServer {
  server: http.Server;
  handler: KubeSpdyHandler;
  /** The pod's API URL. */
  podUrl: string;
  close(): Promise<void>;
}

export async function startKubeServer(options: Partial<KubeSpdyHandlerOptions> = {}): Promise<KubeServer> {
  const handler = createKubeSpdyHandler({ exec: fakeCommand, attach: fakeCommand, portForward: { host: '127.0.0.1' }, ...options });
  const server = http.createServer();
  server.on('upgrade', handler.upgrade);
  server.on('request', handler.request);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    handler,
    podUrl: `http://127.0.0.1:${port}/api/v1/namespaces/default/pods/test-pod`,
    async close() {
      await handler.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads a Readable to its end (events, not for-await: that would destroy, and so reset, a channel). */
export function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}

/** The fake commands. */
export async function fakeCommand(run: ExecRequest): Promise<number> {
  const [name, ...args] = run.kind === 'attach' ? ['cat'] : run.command;
  switch (name) {
    case 'cat':
      if (run.stdin === null || run.stdout === null) return 2;
      run.stdin.pipe(run.stdout, { end: false });
      await new Promise((resolve) => run.stdin!.once('end', resolve));
      return 0;
    case 'sha256': {
      const body = run.stdin === null ? Buffer.alloc(0) : await collect(run.stdin);
      run.stdout?.write(`${createHash('sha256').update(body).digest('hex')} ${body.length}\n`);
      return 0;
    }
    case 'emit':
      run.stdout?.write(patternBytes(Number(args[0]), Number(args[1] ?? 1)));
      return 0;
    case 'stderr':
      run.stderr?.write(args.join(' '));
      return 0;
    case 'exit':
      run.stdout?.write(`exiting with ${args[0]}\n`);
      return Number(args[0]);
    case 'fail':
      throw new Error(args.join(' '));
    case 'resize': {
      // Prints the first N terminal sizes it is sent.
      const sizes: string[] = [];
      await new Promise<void>((resolve) => {
        run.on('resize', (size: { width: number; height: number }) => {
          sizes.push(`${size.width}x${size.height}`);
          if (sizes.length === Number(args[0])) resolve();
        });
      });
      run.stdout?.write(sizes.join(','));
      return 0;
    }
    default:
      run.stderr?.write(`${name}: command not found`);
      return 127;
  }
}
