// Counts the compressed header-block bytes of the SYN_REPLY frames in a
// byte stream, from frame heads alone: the same count for our bytes and the
// peer's, whatever either library reports about itself.

const SYN_REPLY = 2;
/** SYN_REPLY fixed fields before the header block in SPDY/3 and 3.1: the stream id. */
const SYN_REPLY_FIXED = 4;

export class SynReplyTap {
  blocks = 0;
  blockBytes = 0;
  head = new Uint8Array(8);
  headFill = 0;
  /** Payload bytes of the current frame still to skip. */
  skip = 0;

  /** Walks one chunk of the stream; chunks may split frames anywhere. */
  push(chunk) {
    let pos = 0;
    const end = chunk.length;
    while (pos < end) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, end - pos);
        this.skip -= n;
        pos += n;
        continue;
      }
      const n = Math.min(8 - this.headFill, end - pos);
      this.head.set(chunk.subarray(pos, pos + n), this.headFill);
      this.headFill += n;
      pos += n;
      if (this.headFill < 8) return;
      this.headFill = 0;
      const h = this.head;
      const length = (h[5] << 16) | (h[6] << 8) | h[7];
      const control = (h[0] & 0x80) !== 0;
      const type = (h[2] << 8) | h[3];
      if (control && type === SYN_REPLY) {
        this.blocks++;
        this.blockBytes += length - SYN_REPLY_FIXED;
      }
      this.skip = length;
    }
  }

  get bytesPerBlock() {
    return this.blocks === 0 ? 0 : this.blockBytes / this.blocks;
  }
}
