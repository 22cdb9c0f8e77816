// Datetimes as text, both ways, without the Node process's time zone: `new Date('2020-01-01T05:03')`
// and node-postgres's `timestamp` parser read a zone-less text in the process's local zone, so the
// same row would be a different instant under TZ=UTC and TZ=Asia/Tokyo. Here a text without a zone
// is wall time at a fixed offset (the connection's `timezone`, UTC by default).

/**
 * A datetime text as an instant. Takes `YYYY-MM-DD[ T]HH:MM:SS[.fraction][zone][ BC]` — MySQL's
 * and PostgreSQL's text forms and ISO-8601 — where zone is `Z`, `±HH`, `±HH:MM`, `±HHMM` or
 * `±HH:MM:SS` (PostgreSQL prints historical offsets to the second). A text without a zone is wall
 * time at `offsetMinutes` east of UTC. Anything else goes to `new Date()`.
 *
 * @example
 * parseDatetime('2020-01-01 05:03:00', 0).toISOString();        // '2020-01-01T05:03:00.000Z'
 * parseDatetime('2020-01-01 05:03:00+05:30', 0).toISOString();  // '2019-12-31T23:33:00.000Z'
 */
export function parseDatetime(s: string, offsetMinutes = 0): Date {
  const sep = s.charCodeAt(10);
  if (s.length < 19 || (sep !== 32 && sep !== 84) || s.charCodeAt(4) !== 45 || s.charCodeAt(13) !== 58) return new Date(s);
  let year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  // MySQL's zero date, as mysql2 reads it.
  if (month === 0 || day === 0) return new Date(Number.NaN);
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === 46) {
    i++;
    let scale = 100;
    while (i < s.length && isDigit(s.charCodeAt(i))) {
      if (scale >= 1) ms += (s.charCodeAt(i) - 48) * scale;
      scale /= 10;
      i++;
    }
    ms = Math.floor(ms);
  }
  let offset = offsetMinutes;
  const c = s.charCodeAt(i);
  if (c === 90 || c === 122) {
    offset = 0;
    i++;
  } else if (c === 43 || c === 45) {
    const sign = c === 45 ? -1 : 1;
    i++;
    const hours = digits(s, i, 2);
    i += 2;
    let minutes = 0;
    let seconds = 0;
    if (s.charCodeAt(i) === 58) i++;
    if (isDigit(s.charCodeAt(i))) {
      minutes = digits(s, i, 2);
      i += 2;
      if (s.charCodeAt(i) === 58) {
        seconds = digits(s, i + 1, 2);
        i += 3;
      }
    }
    offset = sign * (hours * 60 + minutes + seconds / 60);
  }
  if (s.endsWith(' BC', s.length) && i === s.length - 3) {
    // 1 BC is year 0 of the proleptic calendar JS uses.
    year = 1 - year;
    i += 3;
  }
  if (i !== s.length) return new Date(s);
  const d = new Date(Date.UTC(year, month - 1, day, digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2), ms));
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  if (year >= 0 && year < 100) d.setUTCFullYear(year, month - 1, day);
  return offset === 0 ? d : new Date(d.getTime() - offset * 60000);
}

/**
 * An instant as wall time at `offsetMinutes` east of UTC: `YYYY-MM-DD HH:MM:SS.mmm`, followed by
 * the offset (`+02:00`) when `withZone`. PostgreSQL stores that wall time in a `timestamp` column
 * and the instant in a `timestamptz` one; MySQL's DATETIME takes it without the zone.
 *
 * @example
 * formatDatetime(new Date('2020-01-01T05:03:00Z'), 120, true);  // '2020-01-01 07:03:00.000+02:00'
 */
export function formatDatetime(d: Date, offsetMinutes: number, withZone: boolean): string {
  const local = new Date(d.getTime() + offsetMinutes * 60000);
  const iso = local.toISOString();
  // toISOString gives ±YYYYYY for years outside 0–9999; those stay ISO (with the zone, always).
  if (iso.length !== 24) return d.toISOString();
  const text = `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  return withZone ? text + offsetText(offsetMinutes) : text;
}

/** `+02:00`, `-05:30`, `+00:00`. */
export function offsetText(offsetMinutes: number): string {
  const abs = Math.abs(offsetMinutes);
  return `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The `timezone` option as minutes east of UTC: `'UTC'` / `'Z'` (the default) or a fixed offset
 * such as `'+02:00'`; `undefined` for anything else (a zone name's offset changes with daylight
 * saving time, so a zone-less column cannot say which one a wall time had).
 */
export function parseTimezoneOption(timezone: string | undefined): number | undefined {
  if (timezone === undefined) return 0;
  const t = timezone.trim();
  if (/^(utc|z|gmt|etc\/utc)$/i.test(t)) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(t);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 15 || minutes > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
}
