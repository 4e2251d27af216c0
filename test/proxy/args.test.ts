/** spdyproxy's command line: shrpx's option names, defaults and checks. */
import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../../src/io/cli/argv.js';
import { parseSpdyproxyArgs } from '../../src/proxy/cli/args.js';
import type { SpdyproxyOptions } from '../../src/proxy/cli/args.js';

const parse = (...argv: string[]) => parseSpdyproxyArgs(argv) as SpdyproxyOptions;

describe('parseSpdyproxyArgs', () => {
  it("has shrpx's defaults", () => {
    expect(parse()).toEqual({
      backends: [{ host: '127.0.0.1', port: 80 }],
      frontend: { host: '0.0.0.0', port: 3000 },
      privateKey: null,
      cert: null,
      noTls: false,
      spdyProto: 'spdy/3.1',
      maxConcurrentStreams: 100,
      windowBits: 16,
      connectionWindowBits: 16,
      frontendSpdyReadTimeout: 180,
      frontendReadTimeout: 180,
      frontendWriteTimeout: 60,
      backendReadTimeout: 900,
      backendWriteTimeout: 60,
      backendKeepAliveTimeout: 60,
      backendConnectionsPerHost: 8,
      logLevel: 'WARNING',
      accessLog: false,
      addXForwardedFor: false,
      noVia: false,
    });
  });

  it('reads every option in its short and long spellings', () => {
    const o = parse(
      '-b', '10.0.0.1,8080', '--backend=::1,81', '-f127.0.0.1,0', '--frontend-spdy-no-tls', '--frontend-spdy-proto', 'spdy/2',
      '-c', '7', '--frontend-spdy-window-bits=20', '--frontend-spdy-connection-window-bits', '24', '--frontend-spdy-read-timeout=1',
      '--frontend-read-timeout=2', '--frontend-write-timeout=3', '--backend-read-timeout=4', '--backend-write-timeout=5',
      '--backend-keep-alive-timeout=6', '--backend-connections-per-host=9', '-L', 'info', '--accesslog', '--add-x-forwarded-for', '--no-via',
    );
    expect(o).toMatchObject({
      backends: [{ host: '10.0.0.1', port: 8080 }, { host: '::1', port: 81 }],
      frontend: { host: '127.0.0.1', port: 0 },
      noTls: true,
      spdyProto: 'spdy/2',
      maxConcurrentStreams: 7,
      windowBits: 20,
      connectionWindowBits: 24,
      frontendSpdyReadTimeout: 1,
      frontendReadTimeout: 2,
      frontendWriteTimeout: 3,
      backendReadTimeout: 4,
      backendWriteTimeout: 5,
      backendKeepAliveTimeout: 6,
      backendConnectionsPerHost: 9,
      logLevel: 'INFO',
      accessLog: true,
      addXForwardedFor: true,
      noVia: true,
    });
    expect(parse('--frontend-no-tls').noTls).toBe(true);
  });

  it('takes PRIVATE_KEY and CERT as operands', () => {
    expect(parse('key.pem', 'cert.pem')).toMatchObject({ privateKey: 'key.pem', cert: 'cert.pem' });
  });

  it('answers -h and -v before looking further', () => {
    expect(parseSpdyproxyArgs(['-h', '--bogus'])).toHaveProperty('help');
    expect(parseSpdyproxyArgs(['-v'])).toEqual({ version: true });
  });

  it.each([
    [['-b', '127.0.0.1'], /-b: '127.0.0.1' is not HOST,PORT/],
    [['-b', 'h,0'], /-b: '0' is not a port/],
    [['-f', 'h,65536'], /-f: '65536' is not a port/],
    [['--frontend-spdy-window-bits=31'], /from 0 to 30/],
    [['--frontend-spdy-connection-window-bits=15'], /from 16 to 30/],
    [['--frontend-spdy-proto', 'h2'], /not a SPDY protocol/],
    [['-L', 'DEBUG'], /not a level/],
    [['-c', '5x'], /not a stream count/],
    [['-D'], /service manager/],
    [['--spdy-bridge'], /unknown option '--spdy-bridge'/],
    [['key.pem'], /CERT is missing/],
    [['--frontend-spdy-no-tls', 'key.pem', 'cert.pem'], /takes no PRIVATE_KEY/],
    [['a', 'b', 'c'], /unexpected argument 'c'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSpdyproxyArgs(argv)).toThrow(CliUsageError);
    expect(() => parseSpdyproxyArgs(argv)).toThrow(message);
  });
});
