/**
 * HTTP dates (RFC 7231 §7.1.1.1): servers write IMF-fixdate only; recipients
 * also read the two obsolete forms, RFC 850 and asctime, still sent by old
 * clients in if-modified-since. Whole seconds, always GMT.
 */
import { InvalidArgumentError } from '../../core/errors.js';

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Sun, 06 Nov 1994 08:49:37 GMT"; the sub-second part of `date` is dropped. */
export function httpDate(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('httpDate needs a valid Date');
  }
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) {
    throw new InvalidArgumentError(`httpDate: year ${year} does not fit the four digits of an HTTP date`);
  }
  return (
    `${DAY_NAMES[date.getUTCDay()]}, ${pad(date.getUTCDate(), 2)} ${MONTH_NAMES[date.getUTCMonth()]} ` +
    `${pad(year, 4)} ${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)} GMT`
  );
}

// The grammar is case-sensitive and fixed-width, so each form is one pattern.
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850_DATE =
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * The instant an HTTP date names, or null when `text` is none of the three
 * forms or names no real day (31 Feb) or time (24:00:00). The weekday must be
 * a weekday name but is not checked against the date, as RFC 7231 lets
 * recipients ignore it. `now` places RFC 850's two-digit year: a year more
 * than 50 years in its future is taken from the century before.
 */
export function parseHttpDate(text: string, now: Date = new Date()): Date | null {
  if (typeof text !== 'string') return null;
  const value = text.trim();
  let m = IMF_FIXDATE.exec(value);
  if (m) return utcDate(+m[4]!, m[3]!, +m[2]!, +m[5]!, +m[6]!, +m[7]!);
  m = RFC850_DATE.exec(value);
  if (m) return utcDate(fullYear(+m[4]!, now), m[3]!, +m[2]!, +m[5]!, +m[6]!, +m[7]!);
  m = ASCTIME_DATE.exec(value);
  if (m) return utcDate(+m[7]!, m[2]!, +m[3]!.trim(), +m[4]!, +m[5]!, +m[6]!);
  return null;
}

function fullYear(twoDigits: number, now: Date): number {
  const thisYear = now.getUTCFullYear();
  let year = thisYear - (thisYear % 100) + twoDigits;
  if (year > thisYear + 50) year -= 100;
  return year;
}

function utcDate(year: number, monthName: string, day: number, hour: number, minute: number, second: number): Date | null {
  const month = MONTH_NAMES.indexOf(monthName);
  // Second 60 is a leap second, which the grammar allows; setUTCHours carries it into the next minute.
  if (month < 0 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60) {
    return null;
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month, day); // unlike Date.UTC, keeps years 0-99 as written
  date.setUTCHours(hour, minute, second, 0);
  return date;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 1 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]!;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
