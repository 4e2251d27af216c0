/**
 * SETTINGS values, local (what we told the peer) and remote (what the peer
 * told us), by settings id 1..SETTINGS_MAX. Unset ids read 0, as in
 * spdylay; MAX_CONCURRENT_STREAMS and INITIAL_WINDOW_SIZE start at
 * spdylay's defaults. Local values apply when submitted, as in spdylay;
 * remote ones as they arrive.
 */
import { SETTINGS_INITIAL_WINDOW_SIZE, SETTINGS_MAX, SETTINGS_MAX_CONCURRENT_STREAMS } from '../constants.js';
import { INITIAL_WINDOW_SIZE, MAX_31BIT } from '../wire.js';

/** Remote values follow the local ones in one array (one allocation per session, not two). */
const REMOTE = SETTINGS_MAX + 1;

export function isValidSettingsId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= SETTINGS_MAX;
}

export class Settings {
  private readonly values = new Array<number>(2 * REMOTE).fill(0);

  constructor() {
    for (const side of [0, REMOTE]) {
      this.values[side + SETTINGS_MAX_CONCURRENT_STREAMS] = MAX_31BIT;
      this.values[side + SETTINGS_INITIAL_WINDOW_SIZE] = INITIAL_WINDOW_SIZE;
    }
  }

  /** Our value for settings id `id` (1..SETTINGS_MAX). */
  local(id: number): number {
    return this.values[id]!;
  }

  /** The peer's value for settings id `id` (1..SETTINGS_MAX). */
  remote(id: number): number {
    return this.values[REMOTE + id]!;
  }

  /** We submitted `value` for `id` (checked by the caller). */
  setLocal(id: number, value: number): void {
    this.values[id] = value;
  }

  /** The peer sent `value` for `id` (checked by the caller). */
  setRemote(id: number, value: number): void {
    this.values[REMOTE + id] = value;
  }
}
