import { describe, expect, it } from 'vitest';
import { errorPage, reasonPhrase, statusLine } from '../../../src/io/static/http-status.js';

describe('reasonPhrase and statusLine', () => {
  it('give the standard HTTP/1.1 reason phrases spdylay uses', () => {
    expect(reasonPhrase(200)).toBe('OK');
    expect(reasonPhrase(304)).toBe('Not Modified');
    expect(reasonPhrase(400)).toBe('Bad Request');
    expect(reasonPhrase(404)).toBe('Not Found');
    expect(reasonPhrase(413)).toBe('Request Entity Too Large');
    expect(reasonPhrase(500)).toBe('Internal Server Error');
    expect(reasonPhrase(505)).toBe('HTTP Version Not Supported');
  });

  it("answer 'Unknown' for a code HTTP/1.1 does not define", () => {
    expect(reasonPhrase(299)).toBe('Unknown');
    expect(reasonPhrase(306)).toBe('Unknown');
    expect(reasonPhrase(0)).toBe('Unknown');
    expect(reasonPhrase(Number.NaN)).toBe('Unknown');
  });

  it('put code and reason together as SPDY :status wants them', () => {
    expect(statusLine(200)).toBe('200 OK');
    expect(statusLine(404)).toBe('404 Not Found');
    expect(statusLine(599)).toBe('599 Unknown');
  });
});

describe('errorPage', () => {
  it("is spdyd's page: the status line as title and heading, a rule, the address", () => {
    expect(errorPage(404, undefined, 'spdyd spdylay/1.4.0 at port 3000')).toBe(
      '<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1>' +
        '<hr><address>spdyd spdylay/1.4.0 at port 3000</address></body></html>',
    );
  });

  it('leaves the rule and address out when no address is given', () => {
    expect(errorPage(400)).toBe(
      '<html><head><title>400 Bad Request</title></head><body><h1>400 Bad Request</h1></body></html>',
    );
  });

  it('puts a message in place of the reason phrase, escaped', () => {
    const page = errorPage(501, 'Unsupported method (<script>alert("x")</script> & \'y\')');
    expect(page).toContain(
      '<h1>501 Unsupported method (&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;)</h1>',
    );
    expect(page).not.toContain('<script>');
  });

  it('escapes the address too', () => {
    expect(errorPage(500, undefined, 'a<b>')).toContain('<address>a&lt;b&gt;</address>');
  });
});
