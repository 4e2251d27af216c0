/**
 * spdyd's command line (main() and print_help in spdylay's src/spdyd.cc):
 * PORT [PRIVATE_KEY CERT], -d/--htdocs, -v, -2/-3/--spdy3-1, --no-tls
 * needing a version, -V; and what spdyd-args.ts adds or refuses (--host,
 * -D, strict PORT and operand counts).
 */
import { describe, expect, it } from 'vitest';
import { PROTO_SPDY2, PROTO_SPDY3, PROTO_SPDY3_1 } from '../../../src/core/constants.js';
import { CliUsageError } from '../../../src/io/cli/argv.js';
import { parseSpdydArgs, spdydHelp, spdydUsage } from '../../../src/io/cli/spdyd-args.js';
import type { SpdydOptions } from '../../../src/io/cli/spdyd-args.js';

function parse(...argv: string[]): SpdydOptions {
  const result = parseSpdydArgs(argv);
  if ('help' in result) throw new Error('unexpected help');
  return result;
}

function usageError(...argv: string[]): string {
  try {
    parseSpdydArgs(argv);
  } catch (e) {
    expect(e).toBeInstanceOf(CliUsageError);
    return (e as Error).message;
  }
  throw new Error('no CliUsageError');
}

describe('parseSpdydArgs', () => {
  it('reads PORT PRIVATE_KEY CERT with spdyd\'s defaults: every address, the working directory, any version', () => {
    expect(parse('3000', 'server.key', 'server.crt')).toEqual({
      port: 3000, host: null, privateKey: 'server.key', cert: 'server.crt', htdocs: '.', verbose: false,
      version: null, noTls: false, verifyClient: false, color: 'auto', gzip: true,
    });
  });

  it('reads the options in any order around the operands', () => {
    expect(parse('-v', '3000', '--htdocs=/srv/www', 'k.pem', '-3', 'c.pem', '--host', '127.0.0.1', '-V', '--color'))
      .toEqual({
        port: 3000, host: '127.0.0.1', privateKey: 'k.pem', cert: 'c.pem', htdocs: '/srv/www', verbose: true,
        version: PROTO_SPDY3, noTls: false, verifyClient: true, color: 'always', gzip: true,
      });
    expect(parse('-d', 'docs', '0', 'k', 'c').htdocs).toBe('docs');
  });

  it('compresses by default; --no-gzip turns it off (ours: spdylay\'s spdyd never compresses)', () => {
    expect(parse('1', 'k', 'c').gzip).toBe(true);
    expect(parse('--no-gzip', '1', 'k', 'c').gzip).toBe(false);
    expect(spdydHelp()).toContain('--no-gzip');
  });

  it('-2, -3 and --spdy3-1 pick the version', () => {
    expect(parse('-2', '1', 'k', 'c').version).toBe(PROTO_SPDY2);
    expect(parse('--spdy3', '1', 'k', 'c').version).toBe(PROTO_SPDY3);
    expect(parse('--spdy3-1', '1', 'k', 'c').version).toBe(PROTO_SPDY3_1);
  });

  it('--no-tls takes PORT alone and needs a version', () => {
    expect(parse('--no-tls', '--spdy3-1', '8080')).toMatchObject({ port: 8080, noTls: true, privateKey: null, cert: null });
    expect(usageError('--no-tls', '8080')).toBe('--no-tls: name the SPDY version with -2, -3 or --spdy3-1');
    expect(usageError('--no-tls', '-3', '8080', 'k.pem', 'c.pem')).toBe("--no-tls takes no PRIVATE_KEY or CERT, but 'k.pem' was given");
  });

  it('PORT is 0 to 65535; 0 asks for a free port', () => {
    expect(parse('0', 'k', 'c').port).toBe(0);
    expect(parse('65535', 'k', 'c').port).toBe(65535);
    expect(usageError('65536', 'k', 'c')).toBe("PORT: '65536' is not a port (a whole number from 0 to 65535)");
    expect(usageError('http', 'k', 'c')).toMatch(/^PORT: 'http' is not a port/);
  });

  it('says what is missing: PORT, or the certificate after a key; neither key nor certificate asks for a self-signed pair', () => {
    expect(usageError()).toBe('PORT is missing');
    expect(usageError('-v')).toBe('PORT is missing');
    expect(parse('3000')).toMatchObject({ port: 3000, privateKey: null, cert: null, noTls: false });
    expect(usageError('3000', 'server.key')).toBe("CERT is missing after PRIVATE_KEY 'server.key'");
    expect(usageError('3000', 'k', 'c', 'extra')).toBe("unexpected argument 'extra'");
  });

  it('refuses -D/--daemon clearly', () => {
    expect(usageError('-D', '3000', 'k', 'c')).toBe('-D: running in the background is not supported; use a service manager');
    expect(usageError('--daemon', '3000', 'k', 'c')).toMatch(/^--daemon: running in the background is not supported/);
  });

  it('refuses an empty --host or -d', () => {
    expect(usageError('--host=', '1', 'k', 'c')).toBe('--host: needs an address');
    expect(usageError('-d', '', '1', 'k', 'c')).toBe('-d: needs a directory');
  });

  it('-h returns the help, which lists every option in spdyd\'s layout', () => {
    expect(parseSpdydArgs(['-h'])).toEqual({ help: spdydHelp() });
    const help = spdydHelp();
    expect(help.startsWith(spdydUsage() + '\nOPTIONS:\n')).toBe(true);
    for (const name of ['-d, --htdocs=<PATH>', '--host=<HOST>', '-V, --verify-client', '-v, --verbose', '-2, --spdy2',
      '-3, --spdy3', '--spdy3-1', '--no-tls', '--color', '--no-color', '-h, --help']) {
      expect(help).toContain(`\n    ${name}`);
    }
    expect(help).not.toContain('--daemon');
    for (const line of help.split('\n').slice(1)) expect(line.length).toBeLessThanOrEqual(80);
  });
});
