/** Types for exchange.mjs, which stays plain JavaScript so browsers load it as served. */

export interface BodyFacts {
  bytes: number;
  sha256: string;
}

export interface RequestFacts extends BodyFacts {
  streamId: number;
  path: string | null;
}

export interface ResponseFacts extends BodyFacts {
  status: string | null;
}

export interface VersionVerdict {
  protocol: string;
  /** Every byte both sessions wrote to each other. */
  wireBytes: number;
  /** The client's onStreamCloseCb status code by stream id. */
  closed: Record<string, number>;
  get: { serverReceived: RequestFacts | null; response: ResponseFacts | null };
  post: { serverReceived: RequestFacts | null; response: ResponseFacts | null };
  client: { wantRead: boolean; wantWrite: boolean };
}

export type Verdict =
  | {
      ok: true;
      runtime: string;
      bodyLength: number;
      /** WebCrypto's SHA-256 of the bodies as generated, before they crossed the sessions. */
      sent: { get: string; post: string };
      versions: VersionVerdict[];
    }
  | { ok: false; runtime: string; error: string };

export declare function exchange(): Promise<Verdict>;
