import { strict as assert } from 'node:assert';
import { dateTimeFormat, isKnownTimeZone, numberFormat } from '../../../src/domain/intl';

describe('domain/intl', () => {
  it('builds each formatter once per locale and options', () => {
    const a = dateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', dateStyle: 'medium' });
    assert.equal(dateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', dateStyle: 'medium' }), a);
    assert.notEqual(dateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', dateStyle: 'medium' }), a);
    assert.equal(a.format(new Date('2026-12-30T22:59:00Z')), '30 Dec 2026');
    assert.equal(numberFormat('en', { maximumFractionDigits: 1 }), numberFormat('en', { maximumFractionDigits: 1 }));
  });

  it('knows real IANA zones and rejects made-up ones, as the constructor would', () => {
    assert.equal(isKnownTimeZone('Pacific/Chatham'), true);
    assert.equal(isKnownTimeZone('Mars/Olympus_Mons'), false);
    assert.equal(isKnownTimeZone('Mars/Olympus_Mons'), false);
    assert.throws(() => dateTimeFormat('en', { timeZone: 'Mars/Olympus_Mons' }), RangeError);
  });
});
