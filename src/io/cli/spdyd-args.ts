/**
 * `spdyd`'s command line, with the option names and meanings of spdylay's
 * src/spdyd.cc, read into a plain options object. Pure: the caller binds,
 * loads the key and certificate and serves the files.
 *
 * Where we depart from spdyd, and why:
 * - `--host` is ours. spdyd always listens on every address (IPv4 and
 *   IPv6); so do we by default (`host` null), and `--host 127.0.0.1`
 *   keeps a demo or a test on loopback.
 * - `-D/--daemon` is refused: a Node process cannot fork itself into the
 *   background; a service manager or the shell can.
 * - PORT must be a whole number from 0 to 65535 (0 picks a free port);
 *   spdyd's strtol took anything.
 * - Responses are compressed for clients that accept it (--no-gzip: never);
 *   spdylay's spdyd never compresses.
 * - With --no-tls, a PRIVATE_KEY and CERT are an error (spdyd ignored
 *   them); without it, a key without a certificate says which is missing,
 *   and neither means a self-signed certificate is made (spdyd needs both).
 */
import { PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1 } from '../../core/constants.js';
import type { ProtocolVersion } from '../../core/version.js';
import { CliUsageError, parseWholeNumber, scanArgv } from './argv.js';
import type { OptionSpec } from './argv.js';
import type { ColorMode } from './trace.js';

export interface SpdydOptions {
  /** The port to listen on; 0 asks the system for a free one. */
  readonly port: number;
  /** --host: the address to bind; null binds every address, as spdyd does. */
  readonly host: string | null;
  /** The PEM private key and certificate files; both null with --no-tls. */
  readonly privateKey: string | null;
  readonly cert: string | null;
  /** -d: the document root, as given; '.' (the working directory) by default. */
  readonly htdocs: string;
  /** -v: print every frame, prefixed with the connection's `[id=N]`. */
  readonly verbose: boolean;
  /** -2, -3, --spdy3-1: the only version to offer and accept; null offers all. */
  readonly version: ProtocolVersion | null;
  /** --no-tls: plain TCP, speaking `version`. */
  readonly noTls: boolean;
  /** -V: ask each client for a certificate and refuse one without; like spdyd, accept any certificate. */
  readonly verifyClient: boolean;
  /** --color / --no-color; the default colours only on a terminal. */
  readonly color: ColorMode;
  /**
   * Compress responses for clients that accept gzip or deflate (ours:
   * spdylay's spdyd never compresses); --no-gzip turns it off.
   */
  readonly gzip: boolean;
}

const SPECS: readonly OptionSpec[] = [
  { key: 'htdocs', short: 'd', long: 'htdocs', takesValue: true },
  { key: 'host', long: 'host', takesValue: true },
  { key: 'verbose', short: 'v', long: 'verbose', takesValue: false },
  { key: 'spdy2', short: '2', long: 'spdy2', takesValue: false },
  { key: 'spdy3', short: '3', long: 'spdy3', takesValue: false },
  { key: 'spdy3-1', long: 'spdy3-1', takesValue: false },
  { key: 'no-tls', long: 'no-tls', takesValue: false },
  { key: 'verify-client', short: 'V', long: 'verify-client', takesValue: false },
  { key: 'color', long: 'color', takesValue: false },
  { key: 'no-color', long: 'no-color', takesValue: false },
  { key: 'no-gzip', long: 'no-gzip', takesValue: false },
  { key: 'daemon', short: 'D', long: 'daemon', takesValue: false },
  { key: 'help', short: 'h', long: 'help', takesValue: false },
];

/** The line spdyd prints before its errors and at the top of its help. */
export function spdydUsage(): string {
  return 'Usage: spdyd [-23Vhv] [-d <PATH>] [--host=<HOST>] [--no-tls] <PORT> [<PRIVATE_KEY> <CERT>]\n';
}

/** `spdyd -h`: the usage, then each option in spdyd's two-column layout. */
export function spdydHelp(): string {
  return (
    spdydUsage() +
    '\n' +
    'OPTIONS:\n' +
    '    -d, --htdocs=<PATH>\n' +
    '                       Serve files from <PATH>. The default is the\n' +
    '                       current working directory.\n' +
    '    --host=<HOST>      Listen on this address only. The default is\n' +
    '                       every address of the machine.\n' +
    '    -V, --verify-client\n' +
    '                       Ask each client for a certificate and refuse\n' +
    '                       the handshake without one. The certificate\n' +
    '                       itself is not checked.\n' +
    '    -v, --verbose      Show each frame sent and received, with its\n' +
    '                       fields and name/value pairs.\n' +
    '    -2, --spdy2        Speak SPDY/2 only.\n' +
    '    -3, --spdy3        Speak SPDY/3 only.\n' +
    '    --spdy3-1          Speak SPDY/3.1 only.\n' +
    '    --no-tls           Speak SPDY over plain TCP. Needs -2, -3 or\n' +
    '                       --spdy3-1 to name the version.\n' +
    '    --color            Colour the -v output even when it is not going\n' +
    '                       to a terminal.\n' +
    '    --no-color         Never colour the -v output.\n' +
    '    --no-gzip          Never compress responses. By default a\n' +
    '                       response is gzipped (or deflated) for a client\n' +
    '                       that accepts it, unless it is small or of an\n' +
    '                       already compressed type.\n' +
    '    -h, --help         Print this help.\n'
  );
}

/**
 * Reads spdyd's argv (without the program name). Returns the options, or
 * `{ help }` when -h/--help comes before any mistake. Throws CliUsageError
 * naming the first bad option, value or missing argument.
 */
export function parseSpdydArgs(argv: readonly string[]): SpdydOptions | { help: string } {
  const operands: string[] = [];
  let htdocs = '.';
  let host: string | null = null;
  let verbose = false;
  let version: ProtocolVersion | null = null;
  let noTls = false;
  let verifyClient = false;
  let color: ColorMode = 'auto';
  let gzip = true;

  for (const item of scanArgv(argv, SPECS)) {
    if (item.kind === 'operand') {
      operands.push(item.value);
      continue;
    }
    const value = item.value ?? '';
    switch (item.key) {
      case 'help':
        return { help: spdydHelp() };
      case 'htdocs':
        if (value === '') throw new CliUsageError(`${item.name}: needs a directory`);
        htdocs = value;
        break;
      case 'host':
        if (value === '') throw new CliUsageError(`${item.name}: needs an address`);
        host = value;
        break;
      case 'verbose':
        verbose = true;
        break;
      case 'spdy2':
        version = PROTO_SPDY2;
        break;
      case 'spdy3':
        version = PROTO_SPDY3;
        break;
      case 'spdy3-1':
        version = PROTO_SPDY3_1;
        break;
      case 'no-tls':
        noTls = true;
        break;
      case 'verify-client':
        verifyClient = true;
        break;
      case 'color':
        color = 'always';
        break;
      case 'no-color':
        color = 'never';
        break;
      case 'no-gzip':
        gzip = false;
        break;
      case 'daemon':
        throw new CliUsageError(`${item.name}: running in the background is not supported; use a service manager`);
      default:
        throw new Error(`option key ${item.key} has no handler`);
    }
  }

  const [portText, privateKey, cert, extra] = operands;
  if (portText === undefined) throw new CliUsageError('PORT is missing');
  const port = parseWholeNumber('PORT', portText, 0, 65535, 'a port');
  if (noTls) {
    if (version === null) throw new CliUsageError('--no-tls: name the SPDY version with -2, -3 or --spdy3-1');
    if (privateKey !== undefined) {
      throw new CliUsageError(`--no-tls takes no PRIVATE_KEY or CERT, but '${privateKey}' was given`);
    }
  } else {
    // Without both, spdyd makes a self-signed certificate (ours: spdylay's needs them).
    if (privateKey !== undefined && cert === undefined) throw new CliUsageError(`CERT is missing after PRIVATE_KEY '${privateKey}'`);
    if (extra !== undefined) throw new CliUsageError(`unexpected argument '${extra}'`);
  }
  return {
    port,
    host,
    privateKey: privateKey ?? null,
    cert: cert ?? null,
    htdocs,
    verbose,
    version,
    noTls,
    verifyClient,
    color,
    gzip,
  };
}
