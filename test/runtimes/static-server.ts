/**
 * The smallest static server a browser needs to load the built core as ES
 * modules: GET only, on 127.0.0.1, serving files of the project under a few
 * prefixes, as they are on disk (no bundling, no rewriting). It remembers
 * what it could not serve, so a test can name a missing module instead of
 * timing out.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

interface Answer {
  status: number;
  type: string;
  body: Uint8Array | string;
}

const BAD_REQUEST: Answer = { status: 400, type: 'text/plain', body: 'bad request' };

export class StaticServer {
  /** Paths asked for and not served, in order. */
  readonly missing: string[] = [];
  /** Paths served, in order. */
  readonly served: string[] = [];
  private readonly server: Server;

  private constructor(
    private readonly root: string,
    private readonly prefixes: string[],
    /**
     * Bare module names and the paths they resolve to, written into the
     * JavaScript served, as a bundler resolves them: Chromium applies a
     * page's import map to the page's modules only, not to a Web Worker's.
     * Empty (the default): files go out exactly as they are on disk.
     */
    private readonly bareSpecifiers: Record<string, string> = {},
  ) {
    this.server = createServer((request, response) => {
      const answered = this.answer(request.method ?? '', request.url ?? '/').catch(() => BAD_REQUEST);
      void answered.then(({ status, type, body }) => {
        response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
        response.end(body);
      });
    });
  }

  /** Serves `root`'s files whose paths start with one of `prefixes` (e.g. '/dist/core/'). */
  static async start(root: string, prefixes: string[], bareSpecifiers: Record<string, string> = {}): Promise<StaticServer> {
    const server = new StaticServer(root, prefixes, bareSpecifiers);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen(0, '127.0.0.1', resolve);
    });
    return server;
  }

  get origin(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private resolveBare(path: string, body: Buffer): Buffer | string {
    const names = Object.keys(this.bareSpecifiers);
    if (names.length === 0 || !(path.endsWith('.js') || path.endsWith('.mjs'))) return body;
    return String(body).replace(/(from |import\()'([^'./][^']*)'/g, (whole, lead: string, name: string) =>
      name in this.bareSpecifiers ? `${lead}'${this.bareSpecifiers[name]}'` : whole,
    );
  }

  private async answer(method: string, url: string): Promise<Answer> {
    const path = normalize(decodeURIComponent(new URL(url, 'http://127.0.0.1').pathname));
    const type = CONTENT_TYPES[extname(path)];
    const allowed = method === 'GET' && type !== undefined && this.prefixes.some((prefix) => path.startsWith(prefix));
    if (allowed) {
      try {
        const body = await readFile(join(this.root, path));
        this.served.push(path);
        return { status: 200, type, body: this.resolveBare(path, body) };
      } catch {
        // Falls through to 404.
      }
    }
    this.missing.push(`${method} ${path}`);
    return { status: 404, type: 'text/plain', body: 'not found' };
  }
}
