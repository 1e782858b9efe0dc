import assert from 'node:assert/strict';
import { graphExpiration, graphInstant, hasExpired } from '../../../src/domain/graphDates';

describe('domain/graphDates', () => {
  it('DateTime.MinValue and MaxValue in every spelling Graph uses are "not set"', () => {
    for (const placeholder of [
      '0001-01-01T00:00:00Z',
      '0001-01-01T00:00:00',
      '0001-01-01T00:00:00.0000000Z',
      '0001-01-01T00:00:00+00:00',
      '0001-01-01T00:00:00+01:00',
      '9999-12-31T23:59:59.9999999Z',
    ]) {
      assert.equal(graphInstant(placeholder), undefined, placeholder);
      assert.equal(graphExpiration(placeholder), undefined, placeholder);
    }
  });

  it('absent, null, empty, mistyped and unparseable values are "not set"', () => {
    for (const v of [undefined, null, '', '   ', 0, 1735689600000, {}, 'next Tuesday', '2026-13-45T00:00:00Z'])
      assert.equal(graphInstant(v), undefined, String(v));
  });

  it('a real instant is kept as Graph sent it', () => {
    assert.equal(graphExpiration('2026-12-30T22:59:59Z'), '2026-12-30T22:59:59Z');
    assert.equal(graphInstant('2022-01-14T10:52:42.123Z'), '2022-01-14T10:52:42.123Z');
  });

  it('hasExpired: MinValue never expires; a past date has', () => {
    const now = Date.parse('2026-11-27T10:00:00Z');
    assert.equal(hasExpired('0001-01-01T00:00:00Z', now), false);
    assert.equal(hasExpired(undefined, now), false);
    assert.equal(hasExpired(null, now), false);
    assert.equal(hasExpired('2026-11-27T09:59:59Z', now), true);
    assert.equal(hasExpired('2026-11-28T00:00:00Z', now), false);
  });
});
