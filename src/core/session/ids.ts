/**
 * Stream ids and PING ids: which the session gives out next and which the
 * peer has used. Clients use odd ids, servers even, for both (draft 3
 * §2.3.2, §2.6.5); both are 31 bits.
 */
import { MAX_31BIT } from '../wire.js';

export class SessionIds {
  /** The id the next SYN_STREAM of ours gets (assigned as it is encoded). */
  private nextStream: number;
  /** SYN_STREAMs queued but not yet given an id: for the exhaustion check at submit. */
  private queuedSynStreams = 0;
  /** The highest stream id the peer opened with a SYN_STREAM. */
  private lastRecvStream = 0;
  /** The id our next PING gets. */
  private nextPing: number;
  /** The id of the last PING of ours written, so that its echo is recognised once. */
  private lastPingSent = 0;

  constructor(readonly isServer: boolean) {
    this.nextStream = this.firstOfOurs;
    this.nextPing = this.firstOfOurs;
  }

  private get firstOfOurs(): number {
    return this.isServer ? 2 : 1;
  }

  /** spdylay's is_my_stream_id: an id of our parity (0, the session, is nobody's). */
  isMyStreamId(streamId: number): boolean {
    if (streamId === 0) return false;
    return (streamId % 2 === 0) === this.isServer;
  }

  /** True when the peer may open `streamId` now: its parity, above every id it used. */
  isNewPeerStreamId(streamId: number): boolean {
    if (streamId === 0) return false;
    return (streamId % 2 === 1) === this.isServer && streamId > this.lastRecvStream;
  }

  /** The highest stream id the peer opened: the last-good-stream-id of a GOAWAY of ours. */
  get lastRecvStreamId(): number {
    return this.lastRecvStream;
  }

  /** The peer opened `streamId` (an id isNewPeerStreamId accepted). */
  peerOpened(streamId: number): void {
    this.lastRecvStream = streamId;
  }

  /** The id the next SYN_STREAM of ours gets; above 2^31-1 there is none. */
  get nextStreamId(): number {
    return this.nextStream;
  }

  /** Our SYN_STREAM was encoded with nextStreamId. */
  streamIdUsed(): void {
    this.nextStream += 2;
  }

  /** Whether one more SYN_STREAM, after those queued, could still get an id. */
  get synStreamIdLeft(): boolean {
    return this.nextStream + 2 * this.queuedSynStreams <= MAX_31BIT;
  }

  synStreamQueued(): void {
    this.queuedSynStreams++;
  }

  /** A queued SYN_STREAM left the queue (to be sent or refused, or dropped with the transport). */
  synStreamDequeued(): void {
    this.queuedSynStreams--;
  }

  /** The id for our next PING, wrapping past 2^31-1 to the first of our parity. */
  takePingId(): number {
    if (this.nextPing > MAX_31BIT) this.nextPing = this.firstOfOurs;
    const id = this.nextPing;
    this.nextPing += 2;
    return id;
  }

  /**
   * A PING was written: if it is ours, its echo is the one we wait for.
   * spdylay records every PING it sends, echoes included, so when both
   * sides ping at once the echo of the peer's PING overwrites ours and the
   * peer's answer to ours goes unreported; only PINGs of our own parity
   * count here (test: "crossing PINGs: the echo of ours is still recognised").
   */
  pingSent(uniqueId: number): void {
    if ((uniqueId % 2 === 0) === this.isServer) this.lastPingSent = uniqueId;
  }

  /** True when `uniqueId` echoes our last PING; the id is then forgotten, so a repeat is not taken as one. */
  takePingEcho(uniqueId: number): boolean {
    if (uniqueId !== this.lastPingSent) return false;
    this.lastPingSent = 0;
    return true;
  }

  /** True when `uniqueId` has the peer's parity: its PING, to echo. */
  isPeerPingId(uniqueId: number): boolean {
    return (uniqueId % 2 === 1) === this.isServer;
  }
}
