/**
 * A Kubernetes streaming endpoint on an `http.Server`, what a kubelet or a
 * test double serves: `…/pods/POD/exec`, `…/attach` and `…/portforward`
 * upgraded to SPDY/3.1, each with its handler; 404 with a `Status` for
 * anything else, 401 when a bearer token is required and missing.
 *
 *   const kube = createKubeSpdyHandler({ exec: async (run) => { ... return 0; } });
 *   server.on('upgrade', kube.upgrade);
 *   server.on('request', kube.request);
 */
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerSession } from '../io/server-session.js';
import { acceptSpdyUpgrade, writeStatusResponse } from './accept.js';
import type { KubeSessionOptions } from './accept.js';
import { execParams, serveExec } from './exec-server.js';
import type { ExecHandler } from './exec-server.js';
import { forwardToHost, servePortForward } from './port-forward-server.js';
import type { PortForwardHandler } from './port-forward-server.js';
import { EXEC_PROTOCOLS, PORT_FORWARD_PROTOCOL, STREAM_TIMEOUT } from './protocol.js';
import { failureStatus } from './status.js';

export interface KubeSpdyHandlerOptions {
  /** Runs `exec` requests; without it they get 404. */
  exec?: ExecHandler;
  /** Runs `attach` requests; without it they get 404. */
  attach?: ExecHandler;
  /**
   * port-forward: a forwarder per connection, or `{ host }` to forward to
   * that host's ports (forwardToHost); without it, port-forward gets 404.
   */
  portForward?: PortForwardHandler | { host: string };
  /** Require `Authorization: Bearer TOKEN` (401 Unauthorized otherwise). */
  token?: string;
  /** The exec channel protocols accepted (default v5 down to v1). */
  execProtocols?: readonly string[];
  /** ms to wait for a client's channels (default 30000). */
  streamTimeout?: number;
  /** Options for each SPDY session (idle timeout, trace, ...); flow control is always off. */
  session?: KubeSessionOptions;
}

export interface KubeSpdyHandler {
  /** The `http.Server` 'upgrade' listener. */
  readonly upgrade: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** The 'request' listener: requests that did not ask to upgrade (400 for the streaming paths, 404 otherwise). */
  readonly request: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** The SPDY sessions being served. */
  readonly sessions: ReadonlySet<ServerSession>;
  /** Ends every session (GOAWAY) and resolves once they have closed. */
  close(): Promise<void>;
}

/** The API server's paths (…/namespaces/NS/pods/POD/exec) and the kubelet's (/exec/NS/POD/CONTAINER). */
const API_PATH = /^(?:\/.*)?\/namespaces\/([^/]+)\/pods\/([^/]+)\/(exec|attach|portforward)$/;
const KUBELET_PATH = /^\/(exec|attach|portforward)\/([^/]+)\/([^/]+)(?:\/[^/]+){0,2}$/;

/** What a path asks for, and of which pod; null for any other path. */
function streamingTarget(path: string): { what: 'exec' | 'attach' | 'portforward'; namespace: string; pod: string } | null {
  const api = API_PATH.exec(path);
  if (api !== null) return { what: api[3] as 'exec', namespace: decodeURIComponent(api[1]!), pod: decodeURIComponent(api[2]!) };
  const kubelet = KUBELET_PATH.exec(path);
  if (kubelet !== null) return { what: kubelet[1] as 'exec', namespace: decodeURIComponent(kubelet[2]!), pod: decodeURIComponent(kubelet[3]!) };
  return null;
}

/** Creates the listeners; attach them to an http or https server. */
export function createKubeSpdyHandler(options: KubeSpdyHandlerOptions): KubeSpdyHandler {
  const sessions = new Set<ServerSession>();
  const timeout = options.streamTimeout ?? STREAM_TIMEOUT;
  const forward =
    options.portForward === undefined ? undefined : typeof options.portForward === 'function' ? options.portForward : forwardToHost(options.portForward.host);

  const upgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => {}); // A client gone mid-answer must not bring the server down.
    const url = new URL(req.url ?? '/', 'http://localhost');
    const target = streamingTarget(url.pathname);
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
      writeStatusResponse(socket, failureStatus('Unauthorized', 'Unauthorized', 401), 'Unauthorized');
      return;
    }
    const what = target?.what;
    const where = { namespace: target?.namespace ?? null, pod: target?.pod ?? null };
    const handler = what === 'exec' ? options.exec : what === 'attach' ? options.attach : what === 'portforward' ? forward : undefined;
    if (what === undefined || handler === undefined) {
      writeStatusResponse(socket, failureStatus(`the server could not find the requested resource (${url.pathname})`, 'NotFound', 404), 'Not Found');
      return;
    }
    if (what === 'portforward') {
      const forwarder = handler as PortForwardHandler;
      acceptSpdyUpgrade(req, socket, head, [PORT_FORWARD_PROTOCOL], (session) => {
        track(session);
        servePortForward(session, where, forwarder, timeout);
      }, options.session);
      return;
    }
    const params = execParams(url);
    if (what === 'exec' && params.command.length === 0) {
      writeStatusResponse(socket, failureStatus('you must specify at least one command for the container', 'BadRequest', 400), 'Bad Request');
      return;
    }
    if (!params.stdin && !params.stdout && !params.stderr) {
      writeStatusResponse(socket, failureStatus('you must specify at least 1 of stdin, stdout, stderr', 'BadRequest', 400), 'Bad Request');
      return;
    }
    acceptSpdyUpgrade(req, socket, head, options.execProtocols ?? EXEC_PROTOCOLS, (session, protocol) => {
      track(session);
      serveExec(session, { kind: what, params, protocol, request: req, ...where }, handler as ExecHandler, timeout);
    }, options.session);
  };

  const track = (session: ServerSession) => {
    sessions.add(session);
    session.on('error', () => {}); // Kept in session.error; a broken client is not the server's crash.
    session.once('close', () => sessions.delete(session));
  };

  const request = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const streaming = streamingTarget(url.pathname) !== null;
    const status = streaming
      ? failureStatus('unable to upgrade: missing upgrade headers in request (Connection: Upgrade, Upgrade: SPDY/3.1)', 'BadRequest', 400)
      : failureStatus(`the server could not find the requested resource (${url.pathname})`, 'NotFound', 404);
    res.writeHead(status.code!, { 'content-type': 'application/json' });
    res.end(JSON.stringify(status));
  };

  return {
    upgrade,
    request,
    sessions,
    async close() {
      await Promise.all([...sessions].map((session) => session.close()));
    },
  };
}
