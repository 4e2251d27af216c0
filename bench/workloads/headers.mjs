// The header sets every workload sends, the same for ours, the peer and the
// zlib floor. Per-request ids are derived from the request number by an
// integer hash, so every run sends the same bytes (no Math.random).
//
// Each set is split the way the peer's API takes it: `method`, `path` and
// `host` for a request (spdy-transport adds `:method`, `:path`, `:host`,
// `:scheme: https` and `:version: HTTP/1.1` itself), the status for a reply
// (it adds `:status` and `:version`), and the regular headers as an object.
// `requestNv`/`replyNv` give our name/value lists with the same pairs.

const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** 32-bit integer mix (murmur3's finaliser): request number -> well spread id bits. */
function mix(x) {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** `words` 8-digit hex words derived from (i, salt). */
function hexId(i, salt, words) {
  let s = '';
  for (let w = 0; w < words; w++) s += mix(i * 31 + salt * 7919 + w * 104729 + 1).toString(16).padStart(8, '0');
  return s;
}

function uuid(i, salt) {
  const h = hexId(i, salt, 4);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

// ---- W1 and the small GETs of W3r: 8 request headers, 5 reply headers ----

export function smallRequest(i) {
  return {
    method: 'GET',
    path: `/index-${i}.html`,
    host: 'www.example.com',
    headers: {
      'user-agent': UA,
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'accept-encoding': 'gzip, deflate',
    },
  };
}

export const SMALL_REPLY = {
  status: 200,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'content-length': '1024',
    server: 'spdylay-bench',
  },
};

// ---- W3: 20 request headers, about 1.1 KB raw ----

const AUTHORIZATION =
  'Bearer eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImJlbmNoLWtleS0yMDI0In0.' +
  'eyJzdWIiOiJ1c2VyLTQyNDI0MiIsInNjb3BlIjoicmVhZCB3cml0ZSIsImlhdCI6MTcxNTY4MDAwMCwiZXhwIjoxNzE1NjgzNjAwfQ.' +
  'c2lnbmF0dXJlLXBsYWNlaG9sZGVyLWZvci1iZW5jaG1hcmtz';
const COOKIE_FIXED =
  'csrftoken=9f8e7d6c5b4a39281706f5e4d3c2b1a0; _ga=GA1.2.1234567890.1715680000; ' +
  '_gid=GA1.2.987654321.1715680000; theme=dark; locale=en-US; consent=analytics%3Dfalse%26ads%3Dfalse';

export function heavyRequest(i) {
  return {
    method: 'GET',
    path: `/api/v2/items/${i}?fields=id,name,price,stock&page=${i % 50}`,
    host: 'api.example.com',
    headers: {
      'user-agent': UA,
      accept: 'application/json, text/plain, */*',
      'accept-encoding': 'gzip, deflate, br',
      'accept-language': 'en-US,en;q=0.9,de;q=0.8',
      authorization: AUTHORIZATION,
      cookie: `sid=${hexId(i, 1, 4)}; ${COOKIE_FIXED}`,
      referer: 'https://app.example.com/dashboard/items?view=grid&sort=price',
      origin: 'https://app.example.com',
      'x-request-id': uuid(i, 2),
      'x-correlation-id': uuid(i, 3),
      'x-client-version': 'web-4.18.2',
      'cache-control': 'no-cache',
      'sec-fetch-mode': 'cors',
      'sec-fetch-site': 'same-site',
      dnt: '1',
    },
  };
}

// ---- W3r: 20 reply headers, about 1.1 KB raw ----

const CSP =
  "default-src 'self'; script-src 'self' https://cdn.example.com; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: https://img.example.com; connect-src 'self' https://api.example.com; frame-ancestors 'none'; " +
  "font-src 'self' https://fonts.example.com; object-src 'none'; base-uri 'self'; form-action 'self'";

export function heavyReply(i) {
  const second = i % 60;
  const minute = Math.floor(i / 60) % 60;
  return {
    status: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(200 + (mix(i) % 4000)),
      date: `Tue, 14 May 2024 10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')} GMT`,
      server: 'nginx/1.25.3',
      'cache-control': 'private, max-age=0, must-revalidate',
      etag: `W/"${hexId(i, 4, 3)}"`,
      'last-modified': 'Mon, 13 May 2024 08:00:00 GMT',
      'set-cookie': `sid=${hexId(i, 5, 4)}; Path=/; Domain=example.com; Max-Age=86400; Secure; HttpOnly; SameSite=Lax`,
      'x-request-id': uuid(i, 6),
      'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
      'content-security-policy': CSP,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      vary: 'Accept-Encoding, Origin',
      'access-control-allow-origin': 'https://app.example.com',
      'referrer-policy': 'strict-origin-when-cross-origin',
      'x-cache': 'MISS from edge-17.example.net',
      expires: 'Tue, 14 May 2024 10:00:00 GMT',
    },
  };
}

// ---- our name/value lists for the same sets ----

const STATUS_TEXT = { 200: '200 OK' };

/** Our nv for a request built above: the same 5 + n pairs the peer sends. */
export function requestNv(req) {
  const nv = [
    [':method', req.method],
    [':path', req.path],
    [':version', 'HTTP/1.1'],
    [':host', req.host],
    [':scheme', 'https'],
  ];
  for (const name in req.headers) nv.push([name, req.headers[name]]);
  return nv;
}

/** Our nv for a reply built above: `:status` and `:version` as the peer writes them, then the rest. */
export function replyNv(reply) {
  const nv = [
    [':status', STATUS_TEXT[reply.status]],
    [':version', 'HTTP/1.1'],
  ];
  for (const name in reply.headers) nv.push([name, reply.headers[name]]);
  return nv;
}

/** Raw size of a list: name and value bytes, as the workloads describe it. */
export function rawSize(nv) {
  let n = 0;
  for (const [name, value] of nv) n += name.length + value.length;
  return n;
}
