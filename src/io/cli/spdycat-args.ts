/**
 * `spdycat`'s command line, with the option names and meanings of
 * spdylay's src/spdycat.cc, read into a plain options object. Pure: the
 * caller reads files and stdin, opens sockets and decides colour.
 *
 * Where we depart from spdycat, and why:
 * - A URI that does not parse, or is not http/https, is an error naming it
 *   (spdycat skips it silently). No URI at all is an error (spdycat exits 0
 *   having done nothing).
 * - Numbers must be whole decimal numbers in range: `-t 5x` and `-m x` are
 *   errors (atoi/strtoul read them as 5 and 0).
 * - `-H` names are lower-cased (spdylay lower-cases them when sending) and
 *   must be HTTP tokens; values may not hold control characters; the
 *   connection-specific headers SPDY/3 §3.2.1 forbids are refused.
 * - `-k/--insecure` is ours: spdycat never checks the server's certificate,
 *   Node does unless told not to. `-z/--gzip` is ours too: it sends
 *   `accept-encoding: gzip, deflate`, which later spdycat sent always.
 * - `-a/--get-assets` is refused: it needs an HTML parser, which this
 *   package does not carry. `-p/-P` (SPDY proxy) are not offered.
 */
import { PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1 } from '../../core/constants.js';
import type { NameValue } from '../../core/frame/types.js';
import type { ProtocolVersion } from '../../core/version.js';
import { CliUsageError, parseWholeNumber, scanArgv } from './argv.js';
import type { OptionSpec } from './argv.js';
import type { ColorMode } from './trace.js';

/** A URI from the command line: its text as typed less any fragment (what `-s` prints), and its parse. */
export interface RequestUri {
  readonly text: string;
  readonly url: URL;
}

/** Where `-d` reads the request body from. */
export type PostData = { readonly kind: 'stdin' } | { readonly kind: 'file'; readonly path: string };

export interface SpdycatOptions {
  /** The URIs in command-line order. */
  readonly uris: readonly RequestUri[];
  /** -v: print every frame sent and received. */
  readonly verbose: boolean;
  /** -n: discard response bodies. */
  readonly nullOut: boolean;
  /** -O: save each body in the current directory (see remoteFileName). */
  readonly remoteName: boolean;
  /** -2, -3, --spdy3-1: the only version to speak; null lets ALPN choose. */
  readonly version: ProtocolVersion | null;
  /** --no-tls: plain TCP, speaking `version`. */
  readonly noTls: boolean;
  /** -t: time allowed for each host's connection and requests, in ms; null for none. */
  readonly timeoutMs: number | null;
  /** -w: SETTINGS_INITIAL_WINDOW_SIZE = 2**windowBits, sent on SPDY/3 and later; null sends none. */
  readonly windowBits: number | null;
  /** -s: print the statistics block after each host's requests. */
  readonly stat: boolean;
  /** -H: extra headers, lower-cased names, in order; a name spdycat sends itself replaces its value. */
  readonly headers: readonly NameValue[];
  /** -d: POST this body with every request. */
  readonly data: PostData | null;
  /** -m: request each URI this many times (more than 1 also allows repeats). */
  readonly multiply: number;
  /** -k: do not verify the server's certificate. */
  readonly insecure: boolean;
  /**
   * -z: send `accept-encoding: gzip, deflate`. (spdycat decodes a body whose
   * content-encoding is gzip or deflate whether or not it asked.)
   */
  readonly gzip: boolean;
  /** --cert, --key: client certificate and key (PEM files). */
  readonly cert: string | null;
  readonly key: string | null;
  /** --color / --no-color; the default colours only on a terminal. */
  readonly color: ColorMode;
}

const SPECS: readonly OptionSpec[] = [
  { key: 'verbose', short: 'v', long: 'verbose', takesValue: false },
  { key: 'null-out', short: 'n', long: 'null-out', takesValue: false },
  { key: 'remote-name', short: 'O', long: 'remote-name', takesValue: false },
  { key: 'spdy2', short: '2', long: 'spdy2', takesValue: false },
  { key: 'spdy3', short: '3', long: 'spdy3', takesValue: false },
  { key: 'spdy3-1', long: 'spdy3-1', takesValue: false },
  { key: 'no-tls', long: 'no-tls', takesValue: false },
  { key: 'timeout', short: 't', long: 'timeout', takesValue: true },
  { key: 'window-bits', short: 'w', long: 'window-bits', takesValue: true },
  { key: 'stat', short: 's', long: 'stat', takesValue: false },
  { key: 'header', short: 'H', long: 'header', takesValue: true },
  { key: 'data', short: 'd', long: 'data', takesValue: true },
  { key: 'multiply', short: 'm', long: 'multiply', takesValue: true },
  { key: 'insecure', short: 'k', long: 'insecure', takesValue: false },
  { key: 'gzip', short: 'z', long: 'gzip', takesValue: false },
  { key: 'cert', long: 'cert', takesValue: true },
  { key: 'key', long: 'key', takesValue: true },
  { key: 'color', long: 'color', takesValue: false },
  { key: 'no-color', long: 'no-color', takesValue: false },
  { key: 'help', short: 'h', long: 'help', takesValue: false },
  { key: 'get-assets', short: 'a', long: 'get-assets', takesValue: false },
];

/** setTimeout's ceiling (2^31-1 ms), in whole seconds. */
const MAX_TIMEOUT_SECONDS = Math.floor(0x7fffffff / 1000);
/** spdylay accepts window bits 0..30: 2^31 would overflow the 31-bit window. */
const MAX_WINDOW_BITS = 30;
/** A client has 2^30 stream ids (odd, below 2^31) for one host. */
const MAX_MULTIPLY = 2 ** 30;

/** The lines spdycat prints before its errors and at the top of its help. */
export function spdycatUsage(): string {
  return (
    'Usage: spdycat [-Onsv23kz] [-t <SECONDS>] [-w <WINDOW_BITS>] [-H <HEADER>]\n' +
    '               [-d <FILE>] [-m <N>] [--no-tls] [--cert=<CERT>] [--key=<KEY>]\n' +
    '               <URI>...\n'
  );
}

/** `spdycat -h`: the usage, then each option in spdycat's two-column layout. */
export function spdycatHelp(): string {
  return (
    spdycatUsage() +
    '\n' +
    'OPTIONS:\n' +
    '    -v, --verbose      Show each frame sent and received, with its\n' +
    '                       fields and name/value pairs.\n' +
    '    -n, --null-out     Throw the response bodies away.\n' +
    '    -O, --remote-name  Write each response body to a file in the\n' +
    '                       current directory, named after the last part\n' +
    '                       of the URI path (index.html when it ends\n' +
    "                       with '/').\n" +
    '    -2, --spdy2        Speak SPDY/2 only.\n' +
    '    -3, --spdy3        Speak SPDY/3 only.\n' +
    '    --spdy3-1          Speak SPDY/3.1 only.\n' +
    '    -t, --timeout=<N>  Give up on a host after <N> seconds.\n' +
    '    -w, --window-bits=<N>\n' +
    '                       Ask for an initial window of 2**<N> bytes\n' +
    '                       (0 to 30; SPDY/3 and later).\n' +
    '    -s, --stat         Print timing statistics for each request.\n' +
    '    -H, --header=<HEADER>\n' +
    "                       Send the header '<NAME>: <VALUE>' with each\n" +
    '                       request. Repeat it for more headers. A name\n' +
    '                       spdycat sends itself (e.g. :method) gets the\n' +
    "                       new value instead. Example: -H ':method: HEAD'\n" +
    '    -d, --data=<FILE>  POST the contents of <FILE>; - reads standard\n' +
    '                       input.\n' +
    '    -m, --multiply=<N> Request each URI <N> times. Without it a URI\n' +
    '                       given twice is requested once.\n' +
    "    -k, --insecure     Do not verify the server's certificate.\n" +
    '    -z, --gzip         Accept gzip and deflate content coding and\n' +
    '                       decode it.\n' +
    '    --no-tls           Speak SPDY over plain TCP. Needs -2, -3 or\n' +
    '                       --spdy3-1 to name the version.\n' +
    '    --cert=<CERT>      Present this client certificate (PEM file).\n' +
    '    --key=<KEY>        Use this client private key (PEM file).\n' +
    '    --color            Colour the -v output even when it is not going\n' +
    '                       to a terminal.\n' +
    '    --no-color         Never colour the -v output.\n' +
    '    -h, --help         Print this help.\n'
  );
}

/**
 * Reads spdycat's argv (without the program name). Returns the options,
 * or `{ help }` when -h/--help comes before any mistake (spdycat prints
 * its help and exits there). Throws CliUsageError naming the first bad
 * option or value.
 */
export function parseSpdycatArgs(argv: readonly string[]): SpdycatOptions | { help: string } {
  const uriTexts: string[] = [];
  const headers: NameValue[] = [];
  let verbose = false;
  let nullOut = false;
  let remoteName = false;
  let version: ProtocolVersion | null = null;
  let noTls = false;
  let timeoutMs: number | null = null;
  let windowBits: number | null = null;
  let stat = false;
  let data: PostData | null = null;
  let multiply = 1;
  let insecure = false;
  let gzip = false;
  let cert: string | null = null;
  let key: string | null = null;
  let color: ColorMode = 'auto';

  for (const item of scanArgv(argv, SPECS)) {
    if (item.kind === 'operand') {
      uriTexts.push(item.value);
      continue;
    }
    const value = item.value ?? '';
    switch (item.key) {
      case 'help':
        return { help: spdycatHelp() };
      case 'verbose':
        verbose = true;
        break;
      case 'null-out':
        nullOut = true;
        break;
      case 'remote-name':
        remoteName = true;
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
      case 'timeout':
        timeoutMs = 1000 * parseWholeNumber(item.name, value, 1, MAX_TIMEOUT_SECONDS, 'a number of seconds');
        break;
      case 'window-bits':
        windowBits = parseWholeNumber(item.name, value, 0, MAX_WINDOW_BITS, 'a window size in bits');
        break;
      case 'stat':
        stat = true;
        break;
      case 'header':
        headers.push(parseHeaderOption(item.name, value));
        break;
      case 'data':
        data = value === '-' ? { kind: 'stdin' } : { kind: 'file', path: fileName(item.name, value) };
        break;
      case 'multiply':
        multiply = parseWholeNumber(item.name, value, 1, MAX_MULTIPLY, 'a request count');
        break;
      case 'insecure':
        insecure = true;
        break;
      case 'gzip':
        gzip = true;
        break;
      case 'cert':
        cert = fileName(item.name, value);
        break;
      case 'key':
        key = fileName(item.name, value);
        break;
      case 'color':
        color = 'always';
        break;
      case 'no-color':
        color = 'never';
        break;
      case 'get-assets':
        throw new CliUsageError(`${item.name}: getting linked assets is not supported`);
      default:
        throw new Error(`option key ${item.key} has no handler`);
    }
  }

  if (noTls && version === null) {
    throw new CliUsageError('--no-tls: name the SPDY version with -2, -3 or --spdy3-1');
  }
  if (uriTexts.length === 0) throw new CliUsageError('no URI given');
  return {
    uris: uriTexts.map(parseRequestUri),
    verbose,
    nullOut,
    remoteName,
    version,
    noTls,
    timeoutMs,
    windowBits,
    stat,
    headers,
    data,
    multiply,
    insecure,
    gzip,
    cert,
    key,
    color,
  };
}

function fileName(option: string, value: string): string {
  if (value === '') throw new CliUsageError(`${option}: needs a file name`);
  return value;
}

/** An http or https URI, its fragment cut off first as spdycat's strip_fragment does. */
function parseRequestUri(typed: string): RequestUri {
  const hash = typed.indexOf('#');
  const text = hash < 0 ? typed : typed.slice(0, hash);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliUsageError(`'${typed}' is not a URI`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliUsageError(`'${typed}' is not an http or https URI`);
  }
  return { text, url };
}

/** HTTP token characters (RFC 9110 §5.6.2), after an optional ':' for SPDY's own names. */
const HEADER_NAME = /^:?[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const CONTROL_CHARACTER = /[\x00-\x08\x0a-\x1f\x7f]/;
/** C's isspace, which spdycat skips after the colon. */
const LEADING_SPACE = /^[ \t\n\v\f\r]+/;
/** Connection-specific headers, not valid in SPDY (draft 3 §3.2.1). */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding']);

/**
 * `-H 'name: value'` as spdycat splits it: at the first ':' after the
 * first character (so `:method: HEAD` names `:method`), the value's leading
 * spaces dropped. `host` becomes `:host`, which it overrides (spdylay's
 * alias; SPDY has no plain host header).
 */
function parseHeaderOption(option: string, raw: string): NameValue {
  const colon = raw.indexOf(':', 1);
  if (colon < 0) throw new CliUsageError(`${option}: '${raw}' is not of the form 'NAME: VALUE'`);
  const name = raw.slice(0, colon).toLowerCase();
  const value = raw.slice(colon + 1).replace(LEADING_SPACE, '');
  if (!HEADER_NAME.test(name)) throw new CliUsageError(`${option}: '${raw.slice(0, colon)}' is not a header name`);
  if (value === '') throw new CliUsageError(`${option}: '${raw}' has no value`);
  if (CONTROL_CHARACTER.test(value)) {
    throw new CliUsageError(`${option}: the value of '${name}' has a control character`);
  }
  if (CONNECTION_HEADERS.has(name)) throw new CliUsageError(`${option}: '${name}' is not allowed in SPDY`);
  return [name === 'host' ? ':host' : name, value];
}
