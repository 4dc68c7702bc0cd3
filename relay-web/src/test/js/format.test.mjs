import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayKey, dayLabel, parseTime } from '../../main/resources/io/relaychat/web/client/views/format.js';

test('a day separator reads Today, Yesterday, or the date', () => {
  const now = new Date(2026, 11, 2, 0, 30);
  assert.equal(dayLabel(new Date(2026, 11, 2, 0, 1), now), 'Today');
  assert.equal(dayLabel(new Date(2026, 11, 1, 23, 59), now), 'Yesterday');
  assert.match(dayLabel(new Date(2026, 10, 30, 12, 0), now), /2026/);
  assert.equal(dayLabel(new Date(2027, 0, 1, 0, 0), new Date(2027, 0, 1, 9, 0)), 'Today');
  assert.equal(dayLabel(new Date(2026, 11, 31, 23, 0), new Date(2027, 0, 1, 9, 0)), 'Yesterday', 'across a new year');
});

test('messages a minute apart across midnight fall on two days; a day\'s first and last on one', () => {
  assert.notEqual(dayKey(new Date(2026, 11, 1, 23, 59, 30)), dayKey(new Date(2026, 11, 2, 0, 0, 30)));
  assert.equal(dayKey(new Date(2026, 11, 2, 0, 0, 0)), dayKey(new Date(2026, 11, 2, 23, 59, 59)));
});

test('the server\'s timestamps are read as instants, and a broken one does not break the list', () => {
  assert.equal(parseTime('2026-11-27T23:45:12.029Z').getTime(), Date.UTC(2026, 10, 27, 23, 45, 12, 29));
  assert.ok(!Number.isNaN(parseTime('not a time').getTime()));
});
