// RelayClient: the RelayChat protocol for a browser page, apart from any view. It makes the REST calls, keeps one
// WebSocket open (reconnecting with capped, jittered backoff), resumes every watched room with since_seq after each
// reconnect, retries sends with their client_id until the server acknowledges them, and hands the views each room's
// messages exactly once and in seq order. Another page can use it as it is: import it and listen to its events.
//
// The access token lives in a private field of the client and nowhere else: not in localStorage, sessionStorage, a
// cookie or the DOM, where any script running in the page could read it. A reload therefore asks to log in again.

/** Connection states, as the `state` event reports them. */
export const ConnectionState = Object.freeze({
  OFFLINE: 'offline',
  CONNECTING: 'connecting',
  ONLINE: 'online',
  RECONNECTING: 'reconnecting',
});

/** States of a message this client sends, as the `outgoing` event reports them. */
export const SendState = Object.freeze({ SENDING: 'sending', SENT: 'sent', FAILED: 'failed' });

/** A refusal from the server: `code` is the protocol's stable name for it (docs/protocol.md, "Error codes"). */
export class RelayError extends Error {
  constructor(message, { code = 'unknown', status = 0, retryAfterMs = null } = {}) {
    super(message);
    this.name = 'RelayError';
    this.code = code;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The wait before reconnect attempt `attempt` (0 = the first): exponential, capped at `maxMs`, and jittered over its
 * upper half, so clients dropped together by a restart do not all come back in the same millisecond, and no wait is
 * ever zero.
 */
export function backoffDelay(attempt, { initialMs = 500, maxMs = 15000, random = Math.random } = {}) {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Send errors worth trying again by themselves: the same send may well succeed in a moment. */
const TRANSIENT_CODES = new Set(['storage_unavailable', 'internal_error', 'server_busy']);
/** The one close after which reconnecting cannot help: the token is not good (expired, or its user is gone). */
const AUTH_FAILED = 'Authentication failed';
/** How many messages a gap fill asks for at a time: the most the history route gives. */
const HISTORY_PAGE = 100;

const DEFAULTS = Object.freeze({
  baseUrl: '',
  initialBackoffMs: 500,
  maxBackoffMs: 15000,
  ackTimeoutMs: 8000,
  maxTransientRetries: 5,
  heartbeatMs: 25000,
  heartbeatTimeoutMs: 10000,
  typingThrottleMs: 3000,
  gapWaitMs: 1000,
  baselineRetryMs: 5000,
});

export class RelayClient {
  #options;
  #fetch;
  #WebSocket;
  #timers;
  #random;
  #token = null;
  #user = null;
  #listeners = new Map();
  #socket = null;
  #state = ConnectionState.OFFLINE;
  #wantConnected = false;
  #attempt = 0;
  #reconnectTimer = null;
  #heartbeatTimer = null;
  #silenceTimer = null;
  /** roomId -> {lastSeq, held: Map<seq, message>, gapTimer, filling, baselining} for each watched room. */
  #rooms = new Map();
  /** clientId -> the record of a send not yet acknowledged (or failed), in the order they were made. */
  #pending = new Map();
  #lastTyping = new Map();

  /**
   * Options: `baseUrl` ('' = this page's origin), and for tests the `fetch`, `WebSocket`, `timers`
   * ({setTimeout, clearTimeout, now}) and `random` to use instead of the browser's; the timing knobs of DEFAULTS.
   */
  constructor(options = {}) {
    this.#options = { ...DEFAULTS, ...options };
    this.#fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
    this.#timers = options.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (id) => globalThis.clearTimeout(id),
      now: () => Date.now(),
    };
    this.#random = options.random ?? Math.random;
  }

  // ---- events ----

  /** Listens to `type`; returns the function that stops listening. Events are listed in docs/web-client.md. */
  on(type, listener) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(listener);
    return () => this.#listeners.get(type)?.delete(listener);
  }

  #emit(type, detail) {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) {
      try {
        listener(detail);
      } catch (e) {
        // One broken view must not stop the others, nor the protocol: report it and go on.
        globalThis.console?.error?.(e);
      }
    }
  }

  // ---- the signed-in user ----

  get user() {
    return this.#user;
  }

  get signedIn() {
    return this.#token !== null;
  }

  get state() {
    return this.#state;
  }

  async register({ email, username, password }) {
    return this.#signIn(await this.#request('POST', '/api/auth/register', { json: { email, username, password } }));
  }

  async login({ email, password }) {
    return this.#signIn(await this.#request('POST', '/api/auth/login', { json: { email, password } }));
  }

  #signIn(answer) {
    this.#token = answer.access_token;
    this.#user = answer.user;
    return answer.user;
  }

  /** Forgets the token, closes the socket and drops every watched room and unsent message. */
  logout() {
    this.#wantConnected = false;
    this.#closeSocket(1000, 'Logged out');
    this.#token = null;
    this.#user = null;
    for (const room of this.#rooms.values()) this.#timers.clearTimeout(room.gapTimer);
    for (const send of this.#pending.values()) this.#timers.clearTimeout(send.timer);
    this.#rooms.clear();
    this.#pending.clear();
    this.#lastTyping.clear();
    this.#setState(ConnectionState.OFFLINE);
  }

  // ---- REST ----

  me() {
    return this.#request('GET', '/api/auth/me');
  }

  rooms() {
    return this.#request('GET', '/api/rooms');
  }

  createRoom({ name, type = 'group', members = [] }) {
    return this.#request('POST', '/api/rooms', { json: { name, type, members } });
  }

  discoverRooms() {
    return this.#request('GET', '/api/rooms/discover/all');
  }

  joinPublicRoom(roomId) {
    return this.#request('POST', `/api/rooms/${encodeURIComponent(roomId)}/join`);
  }

  /** Stops being a member of the room (a protocol extension); unwatch() it too, to stop receiving it. */
  leaveRoom(roomId) {
    return this.#request('POST', `/api/rooms/${encodeURIComponent(roomId)}/leave`);
  }

  addMember(roomId, email) {
    return this.#request('POST', `/api/rooms/${encodeURIComponent(roomId)}/members/add`, { query: { user_email: email } });
  }

  /** The one private room of the caller and the user named by email or username (created on first use). */
  directRoom(identifier) {
    return this.#request('POST', '/api/rooms/direct', { query: { identifier } });
  }

  searchUsers(text) {
    return this.#request('GET', '/api/users/search', { query: { q: text } });
  }

  /** Up to `limit` messages older than `beforeSeq` (the newest when absent), oldest first. */
  history(roomId, { limit = 50, beforeSeq } = {}) {
    const query = { limit };
    if (beforeSeq !== undefined && beforeSeq !== null) query.before_seq = beforeSeq;
    return this.#request('GET', `/api/rooms/${encodeURIComponent(roomId)}/messages`, { query });
  }

  /** Uploads a File (or Blob with a name); answers `{url, filename}` for send()'s attachments. */
  upload(file) {
    const form = new FormData();
    form.append('file', file, file.name ?? 'file');
    return this.#request('POST', '/api/upload', { body: form });
  }

  async #request(method, path, { json, query, body } = {}) {
    let url = this.#options.baseUrl + path;
    if (query) url += '?' + new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const headers = {};
    if (this.#token) headers.Authorization = `Bearer ${this.#token}`;
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(json);
    }
    let response;
    try {
      response = await this.#fetch(url, { method, headers, body });
    } catch (e) {
      throw new RelayError('The server cannot be reached', { code: 'network_error' });
    }
    const text = await response.text();
    let answer = null;
    try {
      answer = text ? JSON.parse(text) : null;
    } catch (e) {
      answer = null;
    }
    if (!response.ok) {
      const error = new RelayError(
        typeof answer?.detail === 'string' ? answer.detail : `HTTP ${response.status}`,
        { code: answer?.code ?? 'http_' + response.status, status: response.status, retryAfterMs: answer?.retry_after_ms ?? null });
      if (response.status === 401 && this.#token && error.code === 'unauthenticated') this.#emit('unauthenticated', error);
      throw error;
    }
    return answer;
  }

  // ---- the live connection ----

  /** Opens the WebSocket (and keeps reopening it until logout() or close()). */
  connect() {
    if (!this.#token) throw new RelayError('Log in first', { code: 'unauthenticated' });
    this.#wantConnected = true;
    if (!this.#socket) this.#openSocket();
  }

  /** Closes the WebSocket for good; watched rooms and unsent messages stay until connect() again. */
  close() {
    this.#wantConnected = false;
    this.#closeSocket(1000, 'Closed by the client');
    this.#setState(ConnectionState.OFFLINE);
  }

  #socketUrl() {
    const base = this.#options.baseUrl || globalThis.location?.origin || '';
    const url = new URL('/api/ws', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', this.#token);
    return url.toString();
  }

  #openSocket() {
    this.#timers.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#setState(this.#attempt === 0 ? ConnectionState.CONNECTING : ConnectionState.RECONNECTING);
    const socket = new this.#WebSocket(this.#socketUrl());
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#setState(ConnectionState.ONLINE);
      this.#armHeartbeat();
      for (const roomId of this.#rooms.keys()) this.#join(roomId);
      for (const send of this.#pending.values()) {
        if (send.state === SendState.SENDING) this.#transmit(send);
      }
    };
    socket.onmessage = (event) => {
      if (this.#socket !== socket) return;
      this.#armHeartbeat();
      this.#receive(event.data);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      this.#socketGone(event.code, event.reason);
    };
    socket.onerror = () => {
      // Always followed by a close event, which decides what to do.
    };
  }

  #socketGone(code, reason) {
    this.#socket = null;
    this.#stopHeartbeat();
    for (const send of this.#pending.values()) {
      this.#timers.clearTimeout(send.timer);
      send.timer = null;
    }
    if (code === 1008 && reason === AUTH_FAILED) {
      this.#wantConnected = false;
      this.#setState(ConnectionState.OFFLINE);
      this.#emit('unauthenticated', new RelayError('Your session has ended: log in again', { code: 'unauthenticated' }));
      return;
    }
    if (!this.#wantConnected) {
      this.#setState(ConnectionState.OFFLINE);
      return;
    }
    const delay = backoffDelay(this.#attempt, {
      initialMs: this.#options.initialBackoffMs, maxMs: this.#options.maxBackoffMs, random: this.#random,
    });
    this.#attempt++;
    this.#setState(ConnectionState.RECONNECTING);
    this.#emit('reconnecting', { delayMs: delay, attempt: this.#attempt, code, reason });
    this.#reconnectTimer = this.#timers.setTimeout(() => this.#openSocket(), delay);
  }

  #closeSocket(code, reason) {
    this.#timers.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#stopHeartbeat();
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      try {
        socket.close(code, reason);
      } catch (e) {
        // Already closing: nothing else to do.
      }
    }
  }

  #isOpen() {
    return this.#socket !== null && this.#socket.readyState === 1;
  }

  #sendFrame(frame) {
    if (!this.#isOpen()) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  #setState(state) {
    if (this.#state === state) return;
    this.#state = state;
    this.#emit('state', state);
  }

  // A socket can die without a close event (a laptop's lid, a NAT that forgot us). The server answers `ping` with
  // `pong`; when nothing at all comes back in time, the socket is given up and a new one resumes every room.
  #armHeartbeat() {
    this.#stopHeartbeat();
    this.#heartbeatTimer = this.#timers.setTimeout(() => {
      this.#sendFrame({ action: 'ping' });
      this.#silenceTimer = this.#timers.setTimeout(() => {
        const socket = this.#socket;
        this.#closeSocket(4000, 'No answer to ping');
        if (socket) this.#socketGone(4000, 'No answer to ping');
      }, this.#options.heartbeatTimeoutMs);
    }, this.#options.heartbeatMs);
  }

  #stopHeartbeat() {
    this.#timers.clearTimeout(this.#heartbeatTimer);
    this.#timers.clearTimeout(this.#silenceTimer);
    this.#heartbeatTimer = null;
    this.#silenceTimer = null;
  }

  // ---- rooms ----

  /**
   * Receives `roomId` live from now on, and after every reconnect resumes it from the last seq seen. `lastSeq` is the
   * newest seq the caller already has (from history); without it the room's newest stored seq is asked first, so
   * even a room whose messages were never shown resumes without a gap.
   */
  watch(roomId, lastSeq = null) {
    let room = this.#rooms.get(roomId);
    if (!room) {
      room = { lastSeq: null, held: new Map(), gapTimer: null, filling: false, baselining: false };
      this.#rooms.set(roomId, room);
    }
    if (lastSeq !== null && (room.lastSeq === null || lastSeq > room.lastSeq)) room.lastSeq = lastSeq;
    if (this.#isOpen()) this.#join(roomId);
  }

  /** Stops receiving `roomId`. */
  unwatch(roomId) {
    const room = this.#rooms.get(roomId);
    if (!room) return;
    this.#timers.clearTimeout(room.gapTimer);
    this.#rooms.delete(roomId);
    this.#sendFrame({ action: 'leave_room', room_id: roomId });
  }

  /** The newest seq delivered for a watched room, or null before any. */
  lastSeq(roomId) {
    return this.#rooms.get(roomId)?.lastSeq ?? null;
  }

  async #join(roomId) {
    const room = this.#rooms.get(roomId);
    if (!room) return;
    if (room.lastSeq === null) {
      if (room.baselining) return;
      room.baselining = true;
      try {
        const newest = await this.history(roomId, { limit: 1 });
        if (room.lastSeq === null) room.lastSeq = newest.length ? newest[newest.length - 1].seq : 0;
      } catch (e) {
        // Without a baseline a join could hide a gap: try again shortly (a reconnect also tries again).
        this.#emit('error', e);
        this.#timers.setTimeout(() => {
          if (this.#isOpen() && this.#rooms.get(roomId) === room) this.#join(roomId);
        }, this.#options.baselineRetryMs);
        return;
      } finally {
        room.baselining = false;
      }
      if (this.#rooms.get(roomId) !== room) return;
    }
    this.#sendFrame({ action: 'join_room', room_id: roomId, since_seq: room.lastSeq });
  }

  /** Tells the room this user is typing; at most once per typingThrottleMs per room, and only while online. */
  typing(roomId) {
    const now = this.#timers.now();
    const last = this.#lastTyping.get(roomId);
    if (last !== undefined && now - last < this.#options.typingThrottleMs) return false;
    if (!this.#rooms.has(roomId) || !this.#sendFrame({ action: 'typing', room_id: roomId })) return false;
    this.#lastTyping.set(roomId, now);
    return true;
  }

  // ---- sending ----

  /**
   * Sends a message; answers its client_id at once. The `outgoing` event follows it: `sending`, then `sent` (with the
   * stored message) or `failed` (with the error; retry() sends it again). It is retried with the same client_id
   * after a reconnect, when no acknowledgement comes in time, and after a transient refusal, so the server stores it
   * once whatever happens to the socket.
   */
  send(roomId, content, attachments = []) {
    // The others stop showing this user as typing when the message arrives: typing right after it must tell them again.
    this.#lastTyping.delete(roomId);
    const clientId = newClientId(this.#random);
    const send = { clientId, roomId, content, attachments, state: SendState.SENDING, error: null, transient: 0, timer: null };
    this.#pending.set(clientId, send);
    this.#emitOutgoing(send);
    this.#transmit(send);
    return clientId;
  }

  /** Sends a failed message again, with its own client_id. */
  retry(clientId) {
    const send = this.#pending.get(clientId);
    if (!send || send.state !== SendState.FAILED) return false;
    send.state = SendState.SENDING;
    send.error = null;
    send.transient = 0;
    this.#emitOutgoing(send);
    this.#transmit(send);
    return true;
  }

  /** Forgets a failed message. */
  discard(clientId) {
    const send = this.#pending.get(clientId);
    if (!send || send.state !== SendState.FAILED) return false;
    this.#pending.delete(clientId);
    return true;
  }

  /** The sends not yet acknowledged, oldest first. */
  pending() {
    return [...this.#pending.values()].map(publicSend);
  }

  #transmit(send) {
    this.#timers.clearTimeout(send.timer);
    send.timer = null;
    const sent = this.#sendFrame({
      action: 'send_message', room_id: send.roomId, content: send.content, attachments: send.attachments,
      client_id: send.clientId,
    });
    if (sent) {
      // An open socket that never echoes (the answer lost on a dying connection): ask again, the same client_id.
      send.timer = this.#timers.setTimeout(() => {
        if (this.#pending.get(send.clientId) === send && send.state === SendState.SENDING) this.#transmit(send);
      }, this.#options.ackTimeoutMs);
    }
    // Not sent: the socket is down, and the next open transmits every send still in SENDING.
  }

  #sendRefused(send, frame) {
    this.#timers.clearTimeout(send.timer);
    send.timer = null;
    const error = new RelayError(frame.message ?? 'Message not delivered', { code: frame.code, retryAfterMs: frame.retry_after_ms ?? null });
    if (frame.code === 'rate_limited') {
      send.timer = this.#timers.setTimeout(() => this.#transmit(send), Math.max(100, frame.retry_after_ms ?? 1000));
      return;
    }
    if (TRANSIENT_CODES.has(frame.code) && send.transient < this.#options.maxTransientRetries) {
      const delay = backoffDelay(send.transient, {
        initialMs: this.#options.initialBackoffMs, maxMs: this.#options.maxBackoffMs, random: this.#random,
      });
      send.transient++;
      send.timer = this.#timers.setTimeout(() => this.#transmit(send), delay);
      return;
    }
    send.state = SendState.FAILED;
    send.error = error;
    this.#emitOutgoing(send);
  }

  #emitOutgoing(send, message = null) {
    this.#emit('outgoing', { ...publicSend(send), message });
  }

  // ---- what the server sends ----

  #receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (e) {
      return; // the server speaks JSON only; anything else is a broken proxy's doing, not ours to show
    }
    // The server serves us: the next drop starts the backoff from the beginning. Not on an error: a refusal followed
    // by a close (too many connections) must not turn the backoff into a loop of quick reconnects.
    if (frame.type !== 'error') this.#attempt = 0;
    switch (frame.type) {
      case 'chat_message':
        this.#chatMessage(frame);
        break;
      case 'error':
        if (frame.client_id && this.#pending.has(frame.client_id)) {
          this.#sendRefused(this.#pending.get(frame.client_id), frame);
        } else {
          this.#emit('error', new RelayError(frame.message ?? 'Error', { code: frame.code, retryAfterMs: frame.retry_after_ms ?? null }));
        }
        break;
      case 'presence_update':
        this.#emit('presence', { roomId: frame.room_id, online: frame.online_users ?? {} });
        break;
      case 'typing':
        if (frame.user_id !== this.#user?.id) this.#emit('typing', { roomId: frame.room_id, userId: frame.user_id, username: frame.username });
        break;
      case 'user_joined':
        this.#emit('user_joined', { roomId: frame.room_id, userId: frame.user_id, username: frame.username, text: frame.message });
        break;
      case 'system':
        this.#emit('system', { text: frame.message });
        break;
      default:
        break; // pong, and frame types a later server may add
    }
  }

  #chatMessage(message) {
    const send = message.client_id && message.user_id === this.#user?.id ? this.#pending.get(message.client_id) : undefined;
    if (send) {
      this.#timers.clearTimeout(send.timer);
      this.#pending.delete(send.clientId);
      send.state = SendState.SENT;
      this.#emitOutgoing(send, message);
    }
    const room = this.#rooms.get(message.room_id);
    if (!room || typeof message.seq !== 'number') {
      this.#emit('message', message); // an own message in a room not watched: nothing to order it against
      return;
    }
    if (room.lastSeq === null) room.lastSeq = message.seq - 1;
    if (message.seq <= room.lastSeq || room.held.has(message.seq)) return; // seen already: a replay or a retry's echo
    room.held.set(message.seq, message);
    this.#release(message.room_id, room);
  }

  /** Hands on every held message that follows the last one delivered; waits a moment on a gap, then fills it. */
  #release(roomId, room) {
    while (room.held.has(room.lastSeq + 1)) {
      const next = room.held.get(room.lastSeq + 1);
      room.held.delete(room.lastSeq + 1);
      room.lastSeq++;
      this.#emit('message', next);
    }
    this.#timers.clearTimeout(room.gapTimer);
    room.gapTimer = null;
    if (room.held.size > 0 && !room.filling) {
      room.gapTimer = this.#timers.setTimeout(() => this.#fillGap(roomId, room), this.#options.gapWaitMs);
    }
  }

  async #fillGap(roomId, room) {
    if (this.#rooms.get(roomId) !== room || room.held.size === 0) return;
    room.filling = true;
    try {
      const firstHeld = Math.min(...room.held.keys());
      let before = firstHeld;
      const found = [];
      while (before - 1 > room.lastSeq) {
        const page = await this.history(roomId, { limit: HISTORY_PAGE, beforeSeq: before });
        const wanted = page.filter((m) => m.seq > room.lastSeq);
        found.push(...wanted);
        if (page.length < HISTORY_PAGE || wanted.length < page.length || page.length === 0) break;
        before = page[0].seq;
      }
      for (const m of found) if (!room.held.has(m.seq) && m.seq > room.lastSeq) room.held.set(m.seq, m);
      // What the store no longer has (expired by retention) is skipped, not waited for forever.
      if (!room.held.has(room.lastSeq + 1)) room.lastSeq = Math.min(...room.held.keys()) - 1;
    } catch (e) {
      this.#emit('error', e);
    } finally {
      room.filling = false;
    }
    if (this.#rooms.get(roomId) === room) this.#release(roomId, room);
  }
}

function publicSend(send) {
  return {
    clientId: send.clientId, roomId: send.roomId, content: send.content, attachments: send.attachments,
    state: send.state, error: send.error,
  };
}

/** A random UUID: the browser's own where the page is a secure context, else one made of crypto random bytes. */
function newClientId(random) {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
