/**
 * spdycat's command line (main() and print_help in spdylay's
 * src/spdycat.cc): its option names and meanings, -H split as its 'H'
 * case splits it, --no-tls needing a version, -w's range [0, 30], -t in
 * seconds, -d - for stdin; and our stricter checks, each named in
 * spdycat-args.ts.
 */
import { describe, expect, it } from 'vitest';
import { PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1 } from '../../../src/core/constants.js';
import { CliUsageError } from '../../../src/io/cli/argv.js';
import { parseSpdycatArgs, spdycatHelp, spdycatUsage } from '../../../src/io/cli/spdycat-args.js';
import type { SpdycatOptions } from '../../../src/io/cli/spdycat-args.js';

function parse(...argv: string[]): SpdycatOptions {
  const result = parseSpdycatArgs(argv);
  if ('help' in result) throw new Error('unexpected help');
  return result;
}

function usageError(...argv: string[]): string {
  try {
    parseSpdycatArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(CliUsageError);
    return (e as Error).message;
  }
  throw new Error('no CliUsageError');
}

describe('parseSpdycatArgs', () => {
  it('has spdycat\'s defaults: negotiate the version, TLS, no timeout, no SETTINGS, each URI once', () => {
    const o = parse('https://example.org/');
    expect(o).toMatchObject({
      verbose: false, nullOut: false, remoteName: false, version: null, noTls: false, timeoutMs: null,
      windowBits: null, stat: false, headers: [], data: null, multiply: 1, insecure: false, gzip: false,
      cert: null, key: null, color: 'auto',
    });
    expect(o.uris.map((u) => u.text)).toEqual(['https://example.org/']);
    expect(o.uris[0]!.url.href).toBe('https://example.org/');
  });

  it('reads every switch by its short and long name', () => {
    const all = ['verbose', 'nullOut', 'remoteName', 'stat', 'insecure', 'gzip'] as const;
    const short = parse('-vnOskz', 'http://a/');
    const long = parse('--verbose', '--null-out', '--remote-name', '--stat', '--insecure', '--gzip', 'http://a/');
    for (const name of all) {
      expect(short[name], name).toBe(true);
      expect(long[name], name).toBe(true);
    }
  });

  it('-2, -3 and --spdy3-1 pick the version; the last one given wins', () => {
    expect(parse('-2', 'http://a/').version).toBe(PROTO_SPDY2);
    expect(parse('--spdy3', 'http://a/').version).toBe(PROTO_SPDY3);
    expect(parse('--spdy3-1', 'http://a/').version).toBe(PROTO_SPDY3_1);
    expect(parse('-2', '--spdy3-1', '-3', 'http://a/').version).toBe(PROTO_SPDY3);
  });

  it('--no-tls needs a version, as spdycat says before it connects', () => {
    expect(usageError('--no-tls', 'http://a/')).toBe('--no-tls: name the SPDY version with -2, -3 or --spdy3-1');
    expect(parse('--no-tls', '-3', 'http://a/')).toMatchObject({ noTls: true, version: PROTO_SPDY3 });
  });

  it('-t is whole seconds, kept in ms as spdycat keeps config.timeout', () => {
    expect(parse('-t', '5', 'http://a/').timeoutMs).toBe(5000);
    expect(parse('--timeout=2147483', 'http://a/').timeoutMs).toBe(2147483000);
    expect(usageError('-t0', 'http://a/')).toBe("-t: '0' is not a number of seconds (a whole number from 1 to 2147483)");
    expect(usageError('--timeout=5s', 'http://a/')).toMatch(/^--timeout: '5s' is not/);
    expect(usageError('-t', '2147484', 'http://a/')).toMatch(/^-t: '2147484' is not/);
  });

  it('-w takes spdycat\'s range [0, 30]', () => {
    expect(parse('-w0', 'http://a/').windowBits).toBe(0);
    expect(parse('--window-bits', '30', 'http://a/').windowBits).toBe(30);
    expect(usageError('-w', '31', 'http://a/')).toBe("-w: '31' is not a window size in bits (a whole number from 0 to 30)");
    expect(usageError('-w', '-1', 'http://a/')).toMatch(/^-w: '-1' is not/);
  });

  it('-m is a request count of at least 1', () => {
    expect(parse('-m', '3', 'http://a/').multiply).toBe(3);
    expect(usageError('-m0', 'http://a/')).toMatch(/^-m: '0' is not a request count/);
    expect(usageError('--multiply=lots', 'http://a/')).toMatch(/^--multiply: 'lots' is not a request count/);
  });

  it('-d names a file, or - for standard input (spdycat\'s /dev/stdin)', () => {
    expect(parse('-d', 'body.txt', 'http://a/').data).toEqual({ kind: 'file', path: 'body.txt' });
    expect(parse('--data=-', 'http://a/').data).toEqual({ kind: 'stdin' });
    expect(usageError('--data=', 'http://a/')).toBe('--data: needs a file name');
  });

  it('--cert and --key name PEM files', () => {
    expect(parse('--cert=c.pem', '--key', 'k.pem', 'https://a/')).toMatchObject({ cert: 'c.pem', key: 'k.pem' });
    expect(usageError('--key=', 'https://a/')).toBe('--key: needs a file name');
  });

  it('--color forces colour, --no-color forbids it, the last one wins', () => {
    expect(parse('--color', 'http://a/').color).toBe('always');
    expect(parse('--color', '--no-color', 'http://a/').color).toBe('never');
  });

  it('refuses -a/--get-assets by name rather than ignoring it', () => {
    expect(usageError('-a', 'http://a/')).toBe('-a: getting linked assets is not supported');
    expect(usageError('--get-assets', 'http://a/')).toBe('--get-assets: getting linked assets is not supported');
  });

  it('-h returns the help, even with no URI, as spdycat prints it and exits at -h', () => {
    expect(parseSpdycatArgs(['-h'])).toEqual({ help: spdycatHelp() });
    expect(parseSpdycatArgs(['--help', '--bogus'])).toEqual({ help: spdycatHelp() });
    expect(usageError('--bogus', '-h')).toBe("unknown option '--bogus'");
  });
});

describe('URIs', () => {
  it('keeps them in order, cutting the fragment off first (strip_fragment)', () => {
    const o = parse('https://a.example/x#top', '-v', 'http://b.example:8080/y?q=1#f');
    expect(o.uris.map((u) => u.text)).toEqual(['https://a.example/x', 'http://b.example:8080/y?q=1']);
    expect(o.uris[1]!.url.port).toBe('8080');
    expect(o.uris[0]!.url.hash).toBe('');
  });

  it('takes a URI that looks like an option after --', () => {
    expect(parse('--', 'http://a/-v').uris[0]!.text).toBe('http://a/-v');
  });

  it('needs at least one', () => {
    expect(usageError()).toBe('no URI given');
    expect(usageError('-v')).toBe('no URI given');
  });

  it('names one that does not parse or is not http or https', () => {
    expect(usageError('http://a/', 'not a uri')).toBe("'not a uri' is not a URI");
    expect(usageError('ftp://a/file')).toBe("'ftp://a/file' is not an http or https URI");
    expect(usageError('localhost:3000')).toBe("'localhost:3000' is not an http or https URI");
  });
});

describe('-H', () => {
  it('splits at the first colon after the first character and drops the spaces after it', () => {
    expect(parse('-H', 'X-Foo:   bar baz ', '-H:method: HEAD', '--header=accept:text/html', 'http://a/').headers).toEqual([
      ['x-foo', 'bar baz '],
      [':method', 'HEAD'],
      ['accept', 'text/html'],
    ]);
  });

  it('keeps repeats of one name, in order', () => {
    expect(parse('-H', 'x-a: 1', '-H', 'x-a: 2', 'http://a/').headers).toEqual([['x-a', '1'], ['x-a', '2']]);
  });

  it('maps host to :host, which SPDY carries instead', () => {
    expect(parse('-H', 'Host: example.net', 'http://a/').headers).toEqual([[':host', 'example.net']]);
  });

  it('refuses what spdycat refuses: no colon, a bare colon name, no value', () => {
    expect(usageError('-H', 'x-foo', 'http://a/')).toBe("-H: 'x-foo' is not of the form 'NAME: VALUE'");
    expect(usageError('-H', '::x', 'http://a/')).toBe("-H: ':' is not a header name");
    expect(usageError('--header', 'x-foo:   ', 'http://a/')).toBe("--header: 'x-foo:   ' has no value");
  });

  it('refuses names that are not tokens, values with control characters, and connection headers', () => {
    expect(usageError('-H', 'x foo: 1', 'http://a/')).toBe("-H: 'x foo' is not a header name");
    expect(usageError('-H', 'x-foo: a\r\nx-evil: 1', 'http://a/')).toBe("-H: the value of 'x-foo' has a control character");
    expect(usageError('-H', 'Connection: close', 'http://a/')).toBe("-H: 'connection' is not allowed in SPDY");
    expect(usageError('-H', 'transfer-encoding: chunked', 'http://a/')).toBe("-H: 'transfer-encoding' is not allowed in SPDY");
  });

  it('allows a tab in a value', () => {
    expect(parse('-H', 'x-a: 1\t2', 'http://a/').headers).toEqual([['x-a', '1\t2']]);
  });
});

describe('help text', () => {
  it('starts with the usage and lists every option spdycat-args accepts, in spdycat\'s layout', () => {
    const help = spdycatHelp();
    expect(help.startsWith(spdycatUsage() + '\nOPTIONS:\n')).toBe(true);
    for (const name of ['-v, --verbose', '-n, --null-out', '-O, --remote-name', '-2, --spdy2', '-3, --spdy3',
      '--spdy3-1', '-t, --timeout=<N>', '-w, --window-bits=<N>', '-s, --stat', '-H, --header=<HEADER>',
      '-d, --data=<FILE>', '-m, --multiply=<N>', '-k, --insecure', '-z, --gzip', '--no-tls', '--cert=<CERT>',
      '--key=<KEY>', '--color', '--no-color', '-h, --help']) {
      expect(help).toContain(`\n    ${name}`);
    }
    expect(help).not.toContain('--get-assets');
  });

  it('keeps every line within 80 columns and each description in column 24, as spdycat lays them out', () => {
    const lines = spdycatHelp().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    for (const line of lines.slice(lines.indexOf('OPTIONS:') + 1).filter((l) => l !== '')) {
      const option = /^ {4}(-[^\s,]*(?:, --\S+)?)(?: +(\S.*))?$/.exec(line);
      if (option === null) expect(line).toMatch(/^ {23}\S/);
      else if (option[2] !== undefined) expect(line.indexOf(option[2]), line).toBe(23);
    }
  });
});
