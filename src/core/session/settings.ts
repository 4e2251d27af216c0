/**
 * SETTINGS values, local (what we told the peer) and remote (what the peer
 * told us), by settings id 1..SETTINGS_MAX. Unset ids read 0, as in
 * spdylay; MAX_CONCURRENT_STREAMS and INITIAL_WINDOW_SIZE start at
 * spdylay's defaults. Local values apply when submitted, as in spdylay;
 * remote ones as they arrive.
 */
import { SETTINGS_INITIAL_WINDOW_SIZE, SETTINGS_MAX, SETTINGS_MAX_CONCURRENT_STREAMS } from '../constants.js';
import { INITIAL_WINDOW_SIZE, MAX_31BIT } from '../wire.js';

function defaultSettings(): number[] {
  const values = new Array<number>(SETTINGS_MAX + 1).fill(0);
  values[SETTINGS_MAX_CONCURRENT_STREAMS] = MAX_31BIT;
  values[SETTINGS_INITIAL_WINDOW_SIZE] = INITIAL_WINDOW_SIZE;
  return values;
}

export function isValidSettingsId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= SETTINGS_MAX;
}

export class Settings {
  private readonly localValues = defaultSettings();
  private readonly remoteValues = defaultSettings();

  /** Our value for settings id `id` (1..SETTINGS_MAX). */
  local(id: number): number {
    return this.localValues[id]!;
  }

  /** The peer's value for settings id `id` (1..SETTINGS_MAX). */
  remote(id: number): number {
    return this.remoteValues[id]!;
  }

  /** We submitted `value` for `id` (checked by the caller). */
  setLocal(id: number, value: number): void {
    this.localValues[id] = value;
  }

  /** The peer sent `value` for `id` (checked by the caller). */
  setRemote(id: number, value: number): void {
    this.remoteValues[id] = value;
  }
}
