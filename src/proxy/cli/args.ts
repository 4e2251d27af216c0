/**
 * `spdyproxy`'s command line, with shrpx's option names and defaults
 * where they map (spdylay's src/shrpx.cc), read into a plain options
 * object. Pure: the caller loads files, binds and serves.
 *
 * Where we depart from shrpx, and why:
 * - `-b` may be given more than once: requests go to the backends in turn.
 * - `-f` takes port 0 (a free port; `listening on HOST:PORT` says which).
 * - Without PRIVATE_KEY and CERT, a self-signed certificate is made (as our
 *   spdyd does); shrpx refused to start.
 * - `--frontend-no-tls` is accepted as another name of
 *   `--frontend-spdy-no-tls`; `--backend-connections-per-host` is
 *   nghttpx's option (shrpx had one backend connection per request).
 * - The modes and options for SPDY backends, client mode, syslog, rate
 *   limits, workers and privilege dropping are not offered: an unknown
 *   option is an error, not silently ignored. `-D` says to use a service
 *   manager.
 * - Numbers must be whole numbers in range; shrpx's strtol took "5x" as 5.
 */
import type { SpdyProtocol } from '../../io/alpn.js';
import { SPDY_PROTOCOLS } from '../../io/alpn.js';
import { CliUsageError, parseWholeNumber, scanArgv } from '../../io/cli/argv.js';
import type { OptionSpec } from '../../io/cli/argv.js';
import type { LogLevel } from '../context.js';
import type { BackendAddress } from '../options.js';

export interface SpdyproxyOptions {
  readonly backends: readonly BackendAddress[];
  readonly frontend: { readonly host: string; readonly port: number };
  /** PEM files; both null makes a self-signed certificate (TLS) or with --frontend-spdy-no-tls. */
  readonly privateKey: string | null;
  readonly cert: string | null;
  readonly noTls: boolean;
  readonly spdyProto: SpdyProtocol;
  readonly maxConcurrentStreams: number;
  /** log2 of the per-stream and per-session windows. */
  readonly windowBits: number;
  readonly connectionWindowBits: number;
  /** Timeouts in seconds. */
  readonly frontendSpdyReadTimeout: number;
  readonly frontendReadTimeout: number;
  readonly frontendWriteTimeout: number;
  readonly backendReadTimeout: number;
  readonly backendWriteTimeout: number;
  readonly backendKeepAliveTimeout: number;
  readonly backendConnectionsPerHost: number;
  readonly logLevel: LogLevel;
  readonly accessLog: boolean;
  readonly addXForwardedFor: boolean;
  readonly noVia: boolean;
}

const SPECS: readonly OptionSpec[] = [
  { key: 'backend', short: 'b', long: 'backend', takesValue: true },
  { key: 'frontend', short: 'f', long: 'frontend', takesValue: true },
  { key: 'no-tls', long: 'frontend-spdy-no-tls', takesValue: false },
  { key: 'no-tls', long: 'frontend-no-tls', takesValue: false },
  { key: 'spdy-proto', long: 'frontend-spdy-proto', takesValue: true },
  { key: 'streams', short: 'c', long: 'spdy-max-concurrent-streams', takesValue: true },
  { key: 'window-bits', long: 'frontend-spdy-window-bits', takesValue: true },
  { key: 'connection-window-bits', long: 'frontend-spdy-connection-window-bits', takesValue: true },
  { key: 'frontend-spdy-read-timeout', long: 'frontend-spdy-read-timeout', takesValue: true },
  { key: 'frontend-read-timeout', long: 'frontend-read-timeout', takesValue: true },
  { key: 'frontend-write-timeout', long: 'frontend-write-timeout', takesValue: true },
  { key: 'backend-read-timeout', long: 'backend-read-timeout', takesValue: true },
  { key: 'backend-write-timeout', long: 'backend-write-timeout', takesValue: true },
  { key: 'backend-keep-alive-timeout', long: 'backend-keep-alive-timeout', takesValue: true },
  { key: 'backend-connections', long: 'backend-connections-per-host', takesValue: true },
  { key: 'log-level', short: 'L', long: 'log-level', takesValue: true },
  { key: 'accesslog', long: 'accesslog', takesValue: false },
  { key: 'xff', long: 'add-x-forwarded-for', takesValue: false },
  { key: 'no-via', long: 'no-via', takesValue: false },
  { key: 'daemon', short: 'D', long: 'daemon', takesValue: false },
  { key: 'version', short: 'v', long: 'version', takesValue: false },
  { key: 'help', short: 'h', long: 'help', takesValue: false },
];

const LOG_LEVELS: readonly LogLevel[] = ['INFO', 'WARNING', 'ERROR', 'FATAL'];
/** A day: no timeout worth having is longer, and it keeps setTimeout in range. */
const MAX_TIMEOUT_S = 86_400;

export function spdyproxyUsage(): string {
  return (
    'Usage: spdyproxy [-Dhv] [-b <HOST,PORT>] [-f <HOST,PORT>] [-c <NUM>] [-L <LEVEL>]\n' +
    '                 [OPTIONS...] [<PRIVATE_KEY> <CERT>]\n'
  );
}

/** `spdyproxy -h`: shrpx's layout, our options and defaults. */
export function spdyproxyHelp(): string {
  const opt = (names: string, ...lines: string[]) => {
    const head = `    ${names}`;
    const [first, ...rest] = lines;
    const out = head.length < 23 ? [`${head.padEnd(23)}${first}`] : [head, `${''.padEnd(23)}${first}`];
    for (const line of rest) out.push(`${''.padEnd(23)}${line}`);
    return out.join('\n') + '\n';
  };
  return (
    spdyproxyUsage() +
    '\nA reverse proxy for SPDY/HTTPS in front of HTTP/1.1 backends.\n\n' +
    'Positional arguments:\n' +
    opt('<PRIVATE_KEY>', "Server's private key (PEM). Without it and", 'CERT, a self-signed certificate is made.') +
    opt('<CERT>', "Server's certificate (PEM).") +
    '\nOPTIONS:\n\n  Connections:\n' +
    opt('-b, --backend=<HOST,PORT>', 'Backend host and port. Give it more than', 'once to use several in turn.', "Default: '127.0.0.1,80'") +
    opt('-f, --frontend=<HOST,PORT>', 'Frontend host and port; port 0 picks a free', "one. Default: '0.0.0.0,3000'") +
    opt('--backend-connections-per-host=<NUM>', 'Connections per backend at most.', 'Default: 8') +
    '\n  Timeout:\n' +
    opt('--frontend-spdy-read-timeout=<SEC>', 'Read timeout for SPDY frontend connections.', 'Default: 180') +
    opt('--frontend-read-timeout=<SEC>', 'Read timeout for HTTP/1.1 frontend', 'connections. Default: 180') +
    opt('--frontend-write-timeout=<SEC>', 'Write timeout for frontend connections.', 'Default: 60') +
    opt('--backend-read-timeout=<SEC>', 'Read timeout for backend connections.', 'Default: 900') +
    opt('--backend-write-timeout=<SEC>', 'Connect timeout for backend connections.', 'Default: 60') +
    opt('--backend-keep-alive-timeout=<SEC>', 'Keep-alive timeout for backend connections.', 'Default: 60') +
    '\n  SPDY:\n' +
    opt('-c, --spdy-max-concurrent-streams=<NUM>', 'Concurrent streams in one SPDY session.', 'Default: 100') +
    opt('--frontend-spdy-window-bits=<N>', 'Per-stream initial window of SPDY frontend', 'connections: 2**<N>, N in 0..30. Default: 16') +
    opt('--frontend-spdy-connection-window-bits=<N>', 'Per-connection window of SPDY/3.1 frontend', 'connections: 2**<N>, N in 16..30. Default: 16') +
    opt('--frontend-spdy-no-tls', 'Plain TCP on the frontend, speaking the', 'version --frontend-spdy-proto names; no', 'HTTP/1.1. Also --frontend-no-tls.') +
    opt('--frontend-spdy-proto=<PROTO>', 'SPDY version with --frontend-spdy-no-tls:', `${SPDY_PROTOCOLS.join(', ')}. Default: spdy/3.1`) +
    '\n  Logging:\n' +
    opt('-L, --log-level=<LEVEL>', 'INFO, WARNING, ERROR or FATAL.', 'Default: WARNING') +
    opt('--accesslog', 'Print a simple access log to stderr.') +
    '\n  Misc:\n' +
    opt('--add-x-forwarded-for', 'Append X-Forwarded-For to backend requests.') +
    opt('--no-via', "Don't append to Via; a received Via is", 'left unaltered.') +
    opt('-v, --version', 'Print version and exit.') +
    opt('-h, --help', 'Print this help and exit.')
  );
}

/**
 * Reads spdyproxy's argv (without the program name): the options, or
 * `{ help }` / `{ version }` when asked before any mistake. Throws
 * CliUsageError naming the first bad option or value.
 */
export function parseSpdyproxyArgs(argv: readonly string[]): SpdyproxyOptions | { help: string } | { version: true } {
  const operands: string[] = [];
  const backends: BackendAddress[] = [];
  let frontend = { host: '0.0.0.0', port: 3000 };
  let noTls = false;
  let spdyProto: SpdyProtocol = 'spdy/3.1';
  let maxConcurrentStreams = 100;
  let windowBits = 16;
  let connectionWindowBits = 16;
  const timeouts = {
    'frontend-spdy-read-timeout': 180,
    'frontend-read-timeout': 180,
    'frontend-write-timeout': 60,
    'backend-read-timeout': 900,
    'backend-write-timeout': 60,
    'backend-keep-alive-timeout': 60,
  };
  let backendConnectionsPerHost = 8;
  let logLevel: LogLevel = 'WARNING';
  let accessLog = false;
  let addXForwardedFor = false;
  let noVia = false;

  for (const item of scanArgv(argv, SPECS)) {
    if (item.kind === 'operand') {
      operands.push(item.value);
      continue;
    }
    const value = item.value ?? '';
    switch (item.key) {
      case 'help':
        return { help: spdyproxyHelp() };
      case 'version':
        return { version: true };
      case 'backend':
        backends.push(hostPort(item.name, value, 1));
        break;
      case 'frontend':
        frontend = hostPort(item.name, value, 0);
        break;
      case 'no-tls':
        noTls = true;
        break;
      case 'spdy-proto':
        if (!(SPDY_PROTOCOLS as readonly string[]).includes(value)) {
          throw new CliUsageError(`${item.name}: '${value}' is not a SPDY protocol (${SPDY_PROTOCOLS.join(', ')})`);
        }
        spdyProto = value as SpdyProtocol;
        break;
      case 'streams':
        maxConcurrentStreams = parseWholeNumber(item.name, value, 1, 2 ** 31 - 1, 'a stream count');
        break;
      case 'window-bits':
        windowBits = parseWholeNumber(item.name, value, 0, 30, 'a window size in bits');
        break;
      case 'connection-window-bits':
        connectionWindowBits = parseWholeNumber(item.name, value, 16, 30, 'a window size in bits');
        break;
      case 'frontend-spdy-read-timeout':
      case 'frontend-read-timeout':
      case 'frontend-write-timeout':
      case 'backend-read-timeout':
      case 'backend-write-timeout':
        timeouts[item.key] = parseWholeNumber(item.name, value, 0, MAX_TIMEOUT_S, 'a number of seconds');
        break;
      case 'backend-keep-alive-timeout':
        timeouts[item.key] = parseWholeNumber(item.name, value, 1, MAX_TIMEOUT_S, 'a number of seconds');
        break;
      case 'backend-connections':
        backendConnectionsPerHost = parseWholeNumber(item.name, value, 1, 65535, 'a connection count');
        break;
      case 'log-level': {
        const level = value.toUpperCase() as LogLevel;
        if (!LOG_LEVELS.includes(level)) throw new CliUsageError(`${item.name}: '${value}' is not a level (${LOG_LEVELS.join(', ')})`);
        logLevel = level;
        break;
      }
      case 'accesslog':
        accessLog = true;
        break;
      case 'xff':
        addXForwardedFor = true;
        break;
      case 'no-via':
        noVia = true;
        break;
      case 'daemon':
        throw new CliUsageError(`${item.name}: running in the background is not supported; use a service manager`);
      default:
        throw new Error(`option key ${item.key} has no handler`);
    }
  }

  const [privateKey, cert, extra] = operands;
  if (noTls && privateKey !== undefined) {
    throw new CliUsageError(`--frontend-spdy-no-tls takes no PRIVATE_KEY or CERT, but '${privateKey}' was given`);
  }
  if (privateKey !== undefined && cert === undefined) throw new CliUsageError(`CERT is missing after PRIVATE_KEY '${privateKey}'`);
  if (extra !== undefined) throw new CliUsageError(`unexpected argument '${extra}'`);
  return {
    backends: backends.length > 0 ? backends : [{ host: '127.0.0.1', port: 80 }],
    frontend,
    privateKey: privateKey ?? null,
    cert: cert ?? null,
    noTls,
    spdyProto,
    maxConcurrentStreams,
    windowBits,
    connectionWindowBits,
    frontendSpdyReadTimeout: timeouts['frontend-spdy-read-timeout'],
    frontendReadTimeout: timeouts['frontend-read-timeout'],
    frontendWriteTimeout: timeouts['frontend-write-timeout'],
    backendReadTimeout: timeouts['backend-read-timeout'],
    backendWriteTimeout: timeouts['backend-write-timeout'],
    backendKeepAliveTimeout: timeouts['backend-keep-alive-timeout'],
    backendConnectionsPerHost,
    logLevel,
    accessLog,
    addXForwardedFor,
    noVia,
  };
}

/** shrpx's `HOST,PORT` (the last comma splits, so an IPv6 address needs no brackets). */
function hostPort(name: string, value: string, minPort: number): { host: string; port: number } {
  const comma = value.lastIndexOf(',');
  if (comma <= 0) throw new CliUsageError(`${name}: '${value}' is not HOST,PORT`);
  const host = value.slice(0, comma).replace(/^\[(.*)\]$/, '$1');
  return { host, port: parseWholeNumber(name, value.slice(comma + 1), minPort, 65535, 'a port') };
}
