/**
 * SETTINGS values, local (what we told the peer) and remote (what the peer
 * told us), indexed by settings id 1..SETTINGS_MAX. Unset ids read 0, as in
 * spdylay; MAX_CONCURRENT_STREAMS and INITIAL_WINDOW_SIZE start at
 * spdylay's defaults.
 */
import { SETTINGS_INITIAL_WINDOW_SIZE, SETTINGS_MAX, SETTINGS_MAX_CONCURRENT_STREAMS } from '../constants.js';
import { INITIAL_WINDOW_SIZE, MAX_31BIT } from '../wire.js';

export type SettingsValues = number[];

export function defaultSettings(): SettingsValues {
  const values = new Array<number>(SETTINGS_MAX + 1).fill(0);
  values[SETTINGS_MAX_CONCURRENT_STREAMS] = MAX_31BIT;
  values[SETTINGS_INITIAL_WINDOW_SIZE] = INITIAL_WINDOW_SIZE;
  return values;
}

export function isValidSettingsId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= SETTINGS_MAX;
}
