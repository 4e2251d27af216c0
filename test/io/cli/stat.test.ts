/**
 * spdycat -s: print_stats in spdylay's src/spdycat.cc. Per request
 * '#N: URI', '    Status: ...', the 'Delta (ms) from SSL/TLS
 * handshake(SYN_STREAM):' line, then 'SYN_REPLY' and 'Completed' lines
 * only for the moments recorded, each as 'FROM_HANDSHAKE(FROM_SYN_STREAM)'
 * in whole milliseconds (time_delta), and an empty line after each.
 */
import { describe, expect, it } from 'vitest';
import { formatStats } from '../../../src/io/cli/stat.js';

describe('formatStats', () => {
  it('prints each request\'s block with both deltas, in request order', () => {
    expect(formatStats([
      { uri: 'https://example.org/', status: '200 OK', synStreamMs: 2.4, synReplyMs: 35.9, completeMs: 40.2 },
      { uri: 'https://example.org/a.css', status: '404 Not Found', synStreamMs: 3, synReplyMs: 1203, completeMs: 1210.999 },
    ])).toBe(
      '***** Statistics *****\n' +
      '#1: https://example.org/\n' +
      '    Status: 200 OK\n' +
      '    Delta (ms) from SSL/TLS handshake(SYN_STREAM):\n' +
      '        SYN_REPLY: 35(33)\n' +
      '        Completed: 40(37)\n' +
      '\n' +
      '#2: https://example.org/a.css\n' +
      '    Status: 404 Not Found\n' +
      '    Delta (ms) from SSL/TLS handshake(SYN_STREAM):\n' +
      '        SYN_REPLY: 1203(1200)\n' +
      '        Completed: 1210(1207)\n' +
      '\n');
  });

  it('leaves out the lines of moments that never came, and prints an empty status as spdycat does', () => {
    expect(formatStats([
      { uri: 'https://a/never-sent', status: '' },
      { uri: 'https://a/reset', status: '', synStreamMs: 1, completeMs: 5 },
      { uri: 'https://a/no-close', status: '200 OK', synStreamMs: 1, synReplyMs: 2 },
    ])).toBe(
      '***** Statistics *****\n' +
      '#1: https://a/never-sent\n' +
      '    Status: \n' +
      '    Delta (ms) from SSL/TLS handshake(SYN_STREAM):\n' +
      '\n' +
      '#2: https://a/reset\n' +
      '    Status: \n' +
      '    Delta (ms) from SSL/TLS handshake(SYN_STREAM):\n' +
      '        Completed: 5(4)\n' +
      '\n' +
      '#3: https://a/no-close\n' +
      '    Status: 200 OK\n' +
      '    Delta (ms) from SSL/TLS handshake(SYN_STREAM):\n' +
      '        SYN_REPLY: 2(1)\n' +
      '\n');
  });

  it('prints only the title for no requests', () => {
    expect(formatStats([])).toBe('***** Statistics *****\n');
  });

  it('drops the fraction of each delta, never rounding up', () => {
    const text = formatStats([{ uri: 'u', status: 's', synStreamMs: 0.9, synReplyMs: 0.95, completeMs: 1.899 }]);
    expect(text).toContain('        SYN_REPLY: 0(0)\n');
    expect(text).toContain('        Completed: 1(0)\n');
  });

  it('refuses a reply or close time without the SYN_STREAM time it is measured from', () => {
    expect(() => formatStats([{ uri: 'https://a/', status: '200 OK', synReplyMs: 3 }])).toThrow(RangeError);
    expect(() => formatStats([{ uri: 'https://a/', status: '', completeMs: 3 }])).toThrow(/https:\/\/a\//);
  });
});
