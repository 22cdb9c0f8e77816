// Datetime text without the process's time zone: every text form the drivers give, at UTC and at
// a fixed offset; and the `timezone` option.
import test from 'ava';
import { formatDatetime, offsetText, parseDatetime, parseTimezoneOption } from '../../src/entity/datetime-text.js';

test('zone-less text is wall time at the given offset (UTC by default), whatever the process TZ', (t) => {
  t.is(parseDatetime('2020-01-01 05:03:00').toISOString(), '2020-01-01T05:03:00.000Z');
  t.is(parseDatetime('2020-01-01T05:03:00').toISOString(), '2020-01-01T05:03:00.000Z', 'ISO without a zone is not local time');
  t.is(parseDatetime('2020-01-01 05:03:00.5').toISOString(), '2020-01-01T05:03:00.500Z');
  t.is(parseDatetime('2020-01-01 05:03:00.123456').toISOString(), '2020-01-01T05:03:00.123Z');
  t.is(parseDatetime('2020-01-01 05:03:00', 120).toISOString(), '2020-01-01T03:03:00.000Z');
  t.is(parseDatetime('2020-01-01 05:03:00', -330).toISOString(), '2020-01-01T10:33:00.000Z');
});

test('text with a zone is that instant: Z, ±HH, ±HH:MM, ±HHMM, ±HH:MM:SS', (t) => {
  t.is(parseDatetime('2020-01-01T05:03:00.000Z', 120).toISOString(), '2020-01-01T05:03:00.000Z');
  t.is(parseDatetime('2020-01-01 05:03:00+00', 120).toISOString(), '2020-01-01T05:03:00.000Z');
  t.is(parseDatetime('2020-01-01 05:03:00.25+05:30').toISOString(), '2019-12-31T23:33:00.250Z');
  t.is(parseDatetime('2020-01-01 05:03:00-0800').toISOString(), '2020-01-01T13:03:00.000Z');
  t.is(parseDatetime('1850-06-01 05:03:58-04:56:02').toISOString(), '1850-06-01T10:00:00.000Z');
});

test('years 1-99, BC years, the MySQL zero date and other text', (t) => {
  t.is(parseDatetime('0050-03-01 00:00:00').getUTCFullYear(), 50);
  t.is(parseDatetime('0004-02-29 00:00:00').toISOString(), '0004-02-29T00:00:00.000Z');
  t.is(parseDatetime('0044-03-15 12:00:00 BC').getUTCFullYear(), -43);
  t.true(Number.isNaN(parseDatetime('0000-00-00 00:00:00').getTime()));
  t.true(Number.isNaN(parseDatetime('infinity').getTime()));
  t.is(parseDatetime('2020-01-01').toISOString(), '2020-01-01T00:00:00.000Z');
});

test('formatDatetime writes wall time at an offset, with the zone when asked', (t) => {
  const d = new Date('2020-01-01T05:03:00.120Z');
  t.is(formatDatetime(d, 0, false), '2020-01-01 05:03:00.120');
  t.is(formatDatetime(d, 120, true), '2020-01-01 07:03:00.120+02:00');
  t.is(formatDatetime(d, -330, true), '2019-12-31 23:33:00.120-05:30');
  t.is(parseDatetime(formatDatetime(d, -330, true)).getTime(), d.getTime());
  t.is(offsetText(0), '+00:00');
});

test('the timezone option: UTC or a fixed offset', (t) => {
  t.is(parseTimezoneOption(undefined), 0);
  t.is(parseTimezoneOption('UTC'), 0);
  t.is(parseTimezoneOption('Z'), 0);
  t.is(parseTimezoneOption('+02:00'), 120);
  t.is(parseTimezoneOption('-0530'), -330);
  t.is(parseTimezoneOption('Europe/Paris'), undefined);
  t.is(parseTimezoneOption('+16:00'), undefined);
});
