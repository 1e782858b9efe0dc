import assert from 'node:assert/strict';
import { ShareError } from '../../../src/domain/errors';
import {
  addDays,
  endOfDayUtc,
  expirationFor,
  formatDateLabel,
  formatExpiration,
  formatExpirationDay,
  isValidTimeZone,
  parseCalendarDate,
  resolveTimeZone,
  todayIn,
  toGraphDateTime,
  zoneOffsetMs,
} from '../../../src/domain/expiration';
import { NOW } from './fixtures';

const GRAPH_FORMAT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('domain/expiration', () => {
  describe("end of the chosen day in the person's zone, in UTC", () => {
    const cases: Array<[string, string, string]> = [
      ['UTC', '2026-12-31', '2026-12-31T23:59:59Z'],
      // Europe/Berlin: CET +01:00, CEST +02:00 from 29 Mar 2026 02:00 local, back on 25 Oct 2026 03:00 local.
      ['Europe/Berlin', '2026-03-28', '2026-03-28T22:59:59Z'],
      ['Europe/Berlin', '2026-03-29', '2026-03-29T21:59:59Z'],
      ['Europe/Berlin', '2026-10-24', '2026-10-24T21:59:59Z'],
      ['Europe/Berlin', '2026-10-25', '2026-10-25T22:59:59Z'],
      // America/Los_Angeles: PST -08:00, PDT -07:00 from 8 Mar 2026.
      ['America/Los_Angeles', '2026-03-07', '2026-03-08T07:59:59Z'],
      ['America/Los_Angeles', '2026-03-08', '2026-03-09T06:59:59Z'],
      ['America/Los_Angeles', '2026-12-31', '2027-01-01T07:59:59Z'],
      ['Asia/Kolkata', '2026-12-31', '2026-12-31T18:29:59Z'],
      // Pacific/Chatham: +12:45 standard, +13:45 in (southern) summer.
      ['Pacific/Chatham', '2026-12-31', '2026-12-31T10:14:59Z'],
      ['Pacific/Chatham', '2026-07-01', '2026-07-01T11:14:59Z'],
    ];
    for (const [zone, date, expected] of cases) {
      it(`${date} in ${zone} → ${expected}`, () => {
        assert.equal(endOfDayUtc(date, zone), expected);
        assert.match(expected, GRAPH_FORMAT);
      });
    }
  });

  it('zone offsets include DST', () => {
    assert.equal(zoneOffsetMs(Date.UTC(2026, 0, 15), 'Europe/Berlin'), 3_600_000);
    assert.equal(zoneOffsetMs(Date.UTC(2026, 6, 15), 'Europe/Berlin'), 7_200_000);
    assert.equal(zoneOffsetMs(Date.UTC(2026, 0, 15), 'Pacific/Chatham'), (13 * 60 + 45) * 60_000);
    assert.equal(zoneOffsetMs(Date.UTC(2026, 0, 15), 'Asia/Kolkata'), (5 * 60 + 30) * 60_000);
    assert.equal(zoneOffsetMs(Date.UTC(2026, 0, 15), 'America/Los_Angeles'), -8 * 3_600_000);
  });

  it('today depends on the zone', () => {
    const lateUtc = Date.UTC(2026, 10, 27, 23, 30);
    assert.equal(todayIn('UTC', lateUtc), '2026-11-27');
    assert.equal(todayIn('Asia/Kolkata', lateUtc), '2026-11-28');
    assert.equal(todayIn('America/Los_Angeles', Date.UTC(2026, 10, 28, 3)), '2026-11-27');
  });

  it('unknown zones fall back to UTC and say so', () => {
    assert.equal(isValidTimeZone('Europe/Berlin'), true);
    assert.equal(isValidTimeZone('Mars/Olympus'), false);
    assert.equal(isValidTimeZone(undefined), false);
    const r = resolveTimeZone('Mars/Olympus');
    assert.deepEqual([r.timeZone, r.fellBackToUtc], ['UTC', true]);
    assert.match(r.notice!, /\("Mars\/Olympus"\) is not recognised.*UTC/);
    assert.match(resolveTimeZone(undefined).notice!, /not known/);
    const e = expirationFor('2026-12-01', { now: NOW, timeZone: 'Mars/Olympus' });
    assert.deepEqual(e, {
      date: '2026-12-01',
      expirationDateTime: '2026-12-01T23:59:59Z',
      timeZone: 'UTC',
      fellBackToUtc: true,
      notice: 'Your time zone ("Mars/Olympus") is not recognised, so dates are taken as UTC.',
    });
  });

  describe('refusals', () => {
    const refuse = (date: string, ctx: Parameters<typeof expirationFor>[1], kind: string, pattern: RegExp) => {
      try {
        expirationFor(date, ctx);
      } catch (e) {
        assert.ok(e instanceof ShareError);
        assert.equal(e.kind, kind);
        assert.equal(e.details.field, 'expirationDate');
        assert.match(e.message, pattern);
        return;
      }
      assert.fail(`accepted ${date}`);
    };
    for (const bad of [
      '',
      '2026-13-01',
      '2026-02-30',
      '27/11/2026',
      '2026-1-5',
      '2026-11-27T10:00',
      'tomorrow',
      '1969-12-31',
    ]) {
      it(`malformed ${JSON.stringify(bad)}`, () => refuse(bad, { now: NOW }, 'invalidRequest', /not a valid date/));
    }
    it('a past day', () => refuse('2026-11-26', { now: NOW, timeZone: 'UTC' }, 'invalidRequest', /in the past/));
    it('today is fine while it lasts, but not once it is over where the person is', () => {
      assert.equal(
        expirationFor('2026-11-27', { now: NOW, timeZone: 'UTC' }).expirationDateTime,
        '2026-11-27T23:59:59Z',
      );
      // 10:30Z on 27 Nov is 00:15 on 28 Nov in Chatham (+13:45 in summer): 27 Nov is over there.
      assert.ok(expirationFor('2026-11-27', { now: NOW, timeZone: 'Pacific/Chatham' }));
      refuse('2026-11-27', { now: NOW + 30 * 60_000, timeZone: 'Pacific/Chatham' }, 'invalidRequest', /in the past/);
      // and 26 Nov is still today in Los Angeles at 05:00Z on 27 Nov.
      assert.equal(
        expirationFor('2026-11-26', { now: Date.UTC(2026, 10, 27, 5), timeZone: 'America/Los_Angeles' })
          .expirationDateTime,
        '2026-11-27T07:59:59Z',
      );
    });
    it("beyond the policy maximum, counted from today in the person's zone", () => {
      refuse(
        '2026-12-28',
        { now: NOW, timeZone: 'UTC', maxExpirationDays: 30 },
        'policyBlocked',
        /at most 30 days.*27 Dec 2026 or earlier/,
      );
      assert.ok(expirationFor('2026-12-27', { now: NOW, timeZone: 'UTC', maxExpirationDays: 30 }));
      // at 10:30Z it is already 28 Nov in Chatham, so 28 Dec is within 30 days there
      assert.ok(
        expirationFor('2026-12-28', { now: NOW + 30 * 60_000, timeZone: 'Pacific/Chatham', maxExpirationDays: 30 }),
      );
    });
  });

  it('calendar helpers', () => {
    assert.deepEqual(parseCalendarDate('2028-02-29'), { year: 2028, month: 2, day: 29 });
    assert.equal(parseCalendarDate('2027-02-29'), undefined);
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addDays('2026-03-28', 2), '2026-03-30');
    assert.equal(toGraphDateTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05Z');
  });

  it("formats a granted expiration in the person's zone", () => {
    assert.equal(formatExpiration('2026-12-30T22:59:59Z', 'Europe/Berlin'), '30 Dec 2026, 23:59 (Europe/Berlin)');
    assert.equal(formatExpiration('2026-12-30T22:59:59Z', 'Asia/Kolkata'), '31 Dec 2026, 04:29 (Asia/Kolkata)');
    assert.equal(formatExpiration('2026-12-30T22:59:59Z', 'Mars/Olympus'), '30 Dec 2026, 22:59 (UTC)');
    assert.equal(formatExpirationDay('2026-12-30T22:59:59Z', 'Pacific/Chatham'), '31 Dec 2026');
    assert.equal(formatExpirationDay('2026-12-30T22:59:59Z'), '30 Dec 2026');
    assert.equal(formatDateLabel('2026-12-30'), '30 Dec 2026');
    assert.equal(formatExpiration('garbage', 'UTC'), 'garbage');
  });
});
