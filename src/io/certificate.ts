/**
 * A self-signed certificate for loopback use (spdyd without key and
 * certificate, the demo, tests): EC P-256, SHA-256, valid for localhost,
 * 127.0.0.1 and ::1. Made by `selfsigned` (a well-kept package) rather than
 * hand-written ASN.1.
 */

export interface Certificate {
  /** PEM private key. */
  key: string;
  /** PEM certificate; also what a client passes as `ca` to trust it. */
  cert: string;
  /** SHA-1 fingerprint, as `openssl x509 -fingerprint` prints it. */
  fingerprint: string;
}

export async function selfSignedCertificate(commonName = 'localhost', days = 7): Promise<Certificate> {
  // Loaded on first use: with its X.509 dependencies it takes about 250 ms
  // to load, which importing the package must not cost.
  const { generate } = await import('selfsigned');
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + days * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: commonName },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, fingerprint: pems.fingerprint };
}
