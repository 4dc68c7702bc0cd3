import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RelayClient, RelayError, ConnectionState, SendState, backoffDelay } from '../../main/resources/io/relaychat/web/client/relay.js';
import { FakeClock, fakeWebSocketClass, fakeFetch, message, settle } from './fakes.mjs';

const ANN = { id: 'u-ann', email: 'ann@example.com', username: 'ann' };

/** A client signed in as ann against fake parts; `history` answers the messages route per room. */
async function signedInClient({ history = {}, random = () => 0.5, options = {} } = {}) {
  const clock = new FakeClock();
  const ws = fakeWebSocketClass();
  const { fetch, calls } = fakeFetch({
    'POST /api/auth/login': () => [200, { access_token: 'secret-token', token_type: 'bearer', user: ANN }],
    'GET /api/rooms/r1/messages': (url) => [200, pageOf(history.r1 ?? [], url)],
    'GET /api/rooms/r2/messages': (url) => [200, pageOf(history.r2 ?? [], url)],
  });
  const client = new RelayClient({ baseUrl: 'http://relay.test', fetch, WebSocket: ws.FakeSocket, timers: clock.timers(), random, ...options });
  await client.login({ email: ANN.email, password: 'pw-pw-pw-pw' });
  const events = { message: [], outgoing: [], state: [], error: [], unauthenticated: [], typing: [], presence: [] };
  for (const type of Object.keys(events)) client.on(type, (e) => events[type].push(e));
  return { client, clock, ws, calls, events };
}

/** The history route: the newest `limit` stored messages older than before_seq, oldest first. */
function pageOf(stored, url) {
  const limit = Number(url.searchParams.get('limit') ?? 50);
  const before = url.searchParams.has('before_seq') ? Number(url.searchParams.get('before_seq')) : Infinity;
  return stored.filter((m) => m.seq < before).slice(-limit).map(({ type, ...rest }) => rest);
}

const seqs = (messages) => messages.map((m) => m.seq);

test('backoff grows exponentially, is jittered over its upper half, and is capped', () => {
  const low = (attempt) => backoffDelay(attempt, { initialMs: 500, maxMs: 15000, random: () => 0 });
  const high = (attempt) => backoffDelay(attempt, { initialMs: 500, maxMs: 15000, random: () => 1 });
  assert.deepEqual([0, 1, 2, 3].map(high), [500, 1000, 2000, 4000]);
  assert.deepEqual([0, 1, 2, 3].map(low), [250, 500, 1000, 2000]);
  assert.equal(high(10), 15000);
  assert.equal(high(1000), 15000);
  assert.equal(low(1000), 7500);
});

test('a dropped socket is reopened after a backoff that grows while the server stays away, and resets once it answers', async () => {
  const { client, clock, ws, events } = await signedInClient({ random: () => 1 });
  client.connect();
  ws.last().open();
  ws.last().drop(1006);
  assert.equal(client.state, ConnectionState.RECONNECTING);
  assert.deepEqual(clock.pendingDelays(), [500]);
  await clock.advance(500);
  assert.equal(ws.sockets.length, 2);
  ws.last().drop(1006); // refused again before it opened
  assert.deepEqual(clock.pendingDelays(), [1000]);
  await clock.advance(1000);
  ws.last().drop(1006);
  assert.deepEqual(clock.pendingDelays(), [2000]);
  await clock.advance(2000);
  ws.last().open();
  ws.last().receive({ type: 'pong' });
  ws.last().drop(1001, 'Server shutting down');
  assert.deepEqual(clock.pendingDelays(), [500], 'a socket that the server talked on starts the backoff again');
  assert.ok(events.state.includes(ConnectionState.RECONNECTING));
  assert.equal(ws.sockets.length, 4);
});

test('a refusal followed by a close does not reset the backoff: too many connections is not retried in a loop', async () => {
  const { client, clock, ws } = await signedInClient({ random: () => 1 });
  client.connect();
  for (const expected of [500, 1000, 2000, 4000]) {
    ws.last().open();
    ws.last().receive({ type: 'error', message: 'Too many connections: at most 32 per user', code: 'too_many_connections' });
    ws.last().drop(1008, 'Too many connections: at most 32 per user');
    assert.deepEqual(clock.pendingDelays(), [expected]);
    await clock.advance(expected);
  }
  assert.equal(client.state, ConnectionState.RECONNECTING);
});

test('every watched room is resumed from the last seq seen, after every reconnect', async () => {
  const { client, clock, ws, events } = await signedInClient();
  client.watch('r1', 0);
  client.watch('r2', 7);
  client.connect();
  ws.last().open();
  await settle();
  assert.deepEqual(ws.last().sent('join_room'), [
    { action: 'join_room', room_id: 'r1', since_seq: 0 },
    { action: 'join_room', room_id: 'r2', since_seq: 7 },
  ]);
  for (const seq of [1, 2, 3]) ws.last().receive(message('r1', seq));
  ws.last().drop(1006);
  await clock.advance(60000);
  ws.last().open();
  await settle();
  assert.deepEqual(ws.last().sent('join_room'), [
    { action: 'join_room', room_id: 'r1', since_seq: 3 },
    { action: 'join_room', room_id: 'r2', since_seq: 7 },
  ]);
  // The server replays what was stored meanwhile; a live copy of one of them arriving too is not shown twice.
  for (const seq of [4, 5, 5, 6]) ws.last().receive(message('r1', seq));
  assert.deepEqual(seqs(events.message), [1, 2, 3, 4, 5, 6]);
});

test('a room watched without a known seq asks the store for its newest seq first, so no message slips between', async () => {
  const stored = [message('r1', 1), message('r1', 2), message('r1', 3)];
  const { client, ws, calls } = await signedInClient({ history: { r1: stored } });
  client.connect();
  ws.last().open();
  client.watch('r1');
  await settle();
  assert.deepEqual(calls.filter((c) => c.path === '/api/rooms/r1/messages').map((c) => c.query), [{ limit: '1' }]);
  assert.deepEqual(ws.last().sent('join_room'), [{ action: 'join_room', room_id: 'r1', since_seq: 3 }]);
});

test('a room whose newest seq could not be read is joined once the store answers again, still from its newest seq', async () => {
  const clock = new FakeClock();
  const ws = fakeWebSocketClass();
  let storeUp = false;
  const { fetch } = fakeFetch({
    'POST /api/auth/login': () => [200, { access_token: 't', token_type: 'bearer', user: ANN }],
    'GET /api/rooms/r1/messages': () => (storeUp ? [200, [{ ...message('r1', 9) }]]
      : [503, { detail: 'Service unavailable: storage is unreachable', code: 'storage_unavailable' }]),
  });
  const client = new RelayClient({ baseUrl: 'http://relay.test', fetch, WebSocket: ws.FakeSocket, timers: clock.timers() });
  const errors = [];
  client.on('error', (e) => errors.push(e.code));
  await client.login({ email: ANN.email, password: 'pw' });
  client.watch('r1');
  client.connect();
  ws.last().open();
  await settle();
  assert.deepEqual(ws.last().sent('join_room'), [], 'no join without knowing where the room stands');
  assert.deepEqual(errors, ['storage_unavailable']);
  storeUp = true;
  await clock.advance(5000);
  await settle();
  assert.deepEqual(ws.last().sent('join_room'), [{ action: 'join_room', room_id: 'r1', since_seq: 9 }]);
});

test('messages are handed on in seq order: one that arrives early waits for the one before it', async () => {
  const { client, ws, events } = await signedInClient();
  client.watch('r1', 3);
  client.connect();
  ws.last().open();
  ws.last().receive(message('r1', 5));
  assert.deepEqual(seqs(events.message), []);
  ws.last().receive(message('r1', 4));
  assert.deepEqual(seqs(events.message), [4, 5]);
});

test('a gap that does not close by itself is filled from history', async () => {
  const stored = [1, 2, 3, 4, 5, 6].map((seq) => message('r1', seq));
  const { client, clock, ws, events, calls } = await signedInClient({ history: { r1: stored } });
  client.watch('r1', 2);
  client.connect();
  ws.last().open();
  ws.last().receive(message('r1', 6));
  await clock.advance(999);
  assert.deepEqual(seqs(events.message), []);
  await clock.advance(1);
  await settle();
  assert.deepEqual(seqs(events.message), [3, 4, 5, 6]);
  assert.deepEqual(calls.at(-1).query, { limit: '100', before_seq: '6' });
});

test('a send carries a client_id, and the echo marks it sent', async () => {
  const { client, ws, events } = await signedInClient();
  client.watch('r1', 0);
  client.connect();
  ws.last().open();
  const clientId = client.send('r1', 'hello', []);
  assert.deepEqual(ws.last().sent('send_message'), [
    { action: 'send_message', room_id: 'r1', content: 'hello', attachments: [], client_id: clientId },
  ]);
  ws.last().receive(message('r1', 1, { user_id: ANN.id, username: 'ann', content: 'hello', client_id: clientId }));
  assert.deepEqual(events.outgoing.map((o) => o.state), [SendState.SENDING, SendState.SENT]);
  assert.equal(events.outgoing[1].message.seq, 1);
  assert.deepEqual(client.pending(), []);
  assert.deepEqual(seqs(events.message), [1]);
});

test('a send made while offline, or left unacknowledged by a dropped socket, is sent again with the same client_id after reconnect; it appears once', async () => {
  const { client, clock, ws, events } = await signedInClient();
  client.watch('r1', 0);
  client.connect();
  ws.last().open();
  const first = client.send('r1', 'one');
  ws.last().drop(1006); // the server stored "one", but the echo was lost with the socket
  const second = client.send('r1', 'two'); // made while offline
  await clock.advance(60000);
  ws.last().open();
  await settle();
  const resent = ws.last().sent('send_message');
  assert.deepEqual(resent.map((f) => [f.client_id, f.content]), [[first, 'one'], [second, 'two']]);
  // The resume replays "one" (stored before the drop); the retry of "one" is echoed again with the same seq.
  const one = message('r1', 1, { user_id: ANN.id, content: 'one', client_id: first });
  ws.last().receive(one);
  ws.last().receive(one);
  ws.last().receive(message('r1', 2, { user_id: ANN.id, content: 'two', client_id: second }));
  assert.deepEqual(events.message.map((m) => m.content), ['one', 'two']);
  assert.deepEqual(events.outgoing.filter((o) => o.state === SendState.SENT).map((o) => o.clientId), [first, second]);
});

test('an open socket that never acknowledges a send gets the same send again', async () => {
  const { client, clock, ws } = await signedInClient();
  client.connect();
  ws.last().open();
  const clientId = client.send('r1', 'anyone there?');
  await clock.advance(8000);
  assert.deepEqual(ws.last().sent('send_message').map((f) => f.client_id), [clientId, clientId]);
});

test('a rate-limited send is retried after the time the server names; a refused one fails and can be retried by hand', async () => {
  const { client, clock, ws, events } = await signedInClient();
  client.connect();
  ws.last().open();
  const limited = client.send('r1', 'fast');
  ws.last().receive({ type: 'error', message: 'Rate limit exceeded', code: 'rate_limited', retry_after_ms: 1250, client_id: limited });
  await clock.advance(1249);
  assert.equal(ws.last().sent('send_message').length, 1);
  await clock.advance(1);
  assert.equal(ws.last().sent('send_message').length, 2);

  const tooLong = client.send('r1', 'x'.repeat(5000));
  ws.last().receive({ type: 'error', message: 'Message content exceeds 4000 characters', code: 'content_too_long', client_id: tooLong });
  const failed = events.outgoing.filter((o) => o.clientId === tooLong).at(-1);
  assert.equal(failed.state, SendState.FAILED);
  assert.equal(failed.error.code, 'content_too_long');
  await clock.advance(20000);
  assert.equal(ws.last().sent('send_message').filter((f) => f.client_id === tooLong).length, 1, 'not retried by itself');
  assert.ok(client.retry(tooLong));
  assert.equal(ws.last().sent('send_message').filter((f) => f.client_id === tooLong).length, 2);
  assert.equal(events.outgoing.filter((o) => o.clientId === tooLong).at(-1).state, SendState.SENDING);
});

test('a send the store could not take is retried a few times, then shown as failed', async () => {
  const { client, clock, ws, events } = await signedInClient();
  client.connect();
  ws.last().open();
  const clientId = client.send('r1', 'hello');
  const refuse = () => ws.last().receive({ type: 'error', message: 'Message not delivered: storage unavailable', code: 'storage_unavailable', client_id: clientId });
  for (let i = 0; i < 5; i++) {
    refuse();
    await clock.advance(clock.pendingDelays()[0]); // the retry's backoff, shorter than the wait for an acknowledgement
  }
  assert.equal(ws.last().sent('send_message').length, 6);
  refuse();
  assert.equal(events.outgoing.at(-1).state, SendState.FAILED);
  assert.equal(events.outgoing.at(-1).error.code, 'storage_unavailable');
});

test('a bad token closes for good: no reconnect, the views are told to log in', async () => {
  const { client, clock, ws, events } = await signedInClient();
  client.connect();
  ws.last().open();
  ws.last().drop(1008, 'Authentication failed');
  await clock.advance(120000);
  assert.equal(ws.sockets.length, 1);
  assert.equal(client.state, ConnectionState.OFFLINE);
  assert.equal(events.unauthenticated.length, 1);
});

test('a socket that stays silent after a ping is given up and replaced', async () => {
  const { client, clock, ws } = await signedInClient();
  client.connect();
  ws.last().open();
  await clock.advance(25000);
  assert.deepEqual(ws.last().sent('ping'), [{ action: 'ping' }]);
  await clock.advance(10000);
  assert.equal(ws.sockets[0].closedWith.code, 4000);
  await clock.advance(60000);
  assert.equal(ws.sockets.length, 2);
});

test('typing is sent at most once per three seconds per room', async () => {
  const { client, clock, ws } = await signedInClient();
  client.watch('r1', 0);
  client.connect();
  ws.last().open();
  assert.equal(client.typing('r1'), true);
  await clock.advance(1000);
  assert.equal(client.typing('r1'), false);
  await clock.advance(2000);
  assert.equal(client.typing('r1'), true);
  assert.equal(ws.last().sent('typing').length, 2);
});

test('typing right after a send is told again: the message ended the others\' typing indicator', async () => {
  const { client, clock, ws } = await signedInClient();
  client.watch('r1', 0);
  client.connect();
  ws.last().open();
  assert.equal(client.typing('r1'), true);
  client.send('r1', 'done');
  await clock.advance(500);
  assert.equal(client.typing('r1'), true);
});

test('REST refusals come back as errors carrying the protocol code', async () => {
  const { client } = await signedInClient();
  await assert.rejects(client.history('unknown-room'), (e) => e instanceof RelayError && e.code === 'not_found' && e.status === 404);
});

test('the token is in no property a script could enumerate or serialise, and goes only where it is needed', async () => {
  const { client, ws, calls } = await signedInClient({ history: { r1: [] } });
  assert.ok(!JSON.stringify(client).includes('secret-token'));
  assert.ok(!Object.getOwnPropertyNames(client).some((name) => String(client[name]).includes('secret-token')));
  assert.equal(globalThis.localStorage, undefined);
  client.connect();
  assert.equal(new URL(ws.last().url).searchParams.get('token'), 'secret-token');
  await client.history('r1');
  assert.equal(calls.at(-1).init.headers.Authorization, 'Bearer secret-token');
  client.logout();
  assert.equal(client.signedIn, false);
});
