// Stand-ins for what the browser gives the client: a clock whose time moves only when a test says so, a WebSocket
// the test opens, feeds and drops by hand, and a fetch answered by a table of routes.

export class FakeClock {
  now = 0;
  #timers = new Map();
  #next = 1;

  setTimeout = (fn, ms) => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.now + Math.max(0, ms ?? 0), fn });
    return id;
  };

  clearTimeout = (id) => {
    this.#timers.delete(id);
  };

  timers() {
    return { setTimeout: this.setTimeout, clearTimeout: this.clearTimeout, now: () => this.now };
  }

  /** Moves time on by `ms`, running every timer that falls due, in time order (and those they set, if due). */
  async advance(ms) {
    const until = this.now + ms;
    for (;;) {
      let due = null;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= until && (due === null || timer.at < due[1].at)) due = [id, timer];
      }
      if (due === null) break;
      this.#timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
      await settle();
    }
    this.now = until;
  }

  pendingDelays() {
    return [...this.#timers.values()].map((t) => t.at - this.now).sort((a, b) => a - b);
  }
}

/** Lets promise callbacks (the client's awaited fetches) run. */
export async function settle() {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

/** A WebSocket class whose instances are kept, in order, so a test can reach the one the client opened last. */
export function fakeWebSocketClass() {
  const sockets = [];
  class FakeSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.frames = [];
      this.closedWith = null;
      sockets.push(this);
    }

    send(data) {
      if (this.readyState !== 1) throw new Error('send on a socket that is not open');
      this.frames.push(JSON.parse(data));
    }

    close(code, reason) {
      this.readyState = 3;
      this.closedWith = { code, reason };
    }

    // What the test does as the server:
    open() {
      this.readyState = 1;
      this.onopen?.({});
    }

    receive(frame) {
      this.onmessage?.({ data: JSON.stringify(frame) });
    }

    drop(code = 1006, reason = '') {
      this.readyState = 3;
      this.onclose?.({ code, reason });
    }

    sent(action) {
      return this.frames.filter((f) => f.action === action);
    }
  }
  return { FakeSocket, sockets, last: () => sockets[sockets.length - 1] };
}

/** A fetch answering from `routes`: 'METHOD /path' -> (url, init) => [status, body]. Unknown routes answer 404. */
export function fakeFetch(routes) {
  const calls = [];
  const fetch = async (url, init = {}) => {
    const parsed = new URL(url, 'http://relay.test');
    calls.push({ method: init.method, path: parsed.pathname, query: Object.fromEntries(parsed.searchParams), init });
    const route = routes[`${init.method} ${parsed.pathname}`];
    const [status, body] = route ? route(parsed, init) : [404, { detail: 'Not Found', code: 'not_found' }];
    return { ok: status >= 200 && status < 300, status, text: async () => JSON.stringify(body) };
  };
  return { fetch, calls };
}

export function message(roomId, seq, extra = {}) {
  return {
    type: 'chat_message', id: `m-${roomId}-${seq}`, room_id: roomId, user_id: 'u-bob', username: 'bob',
    content: `message ${seq}`, timestamp: new Date(Date.UTC(2026, 11, 1, 12, 0, seq)).toISOString(),
    attachments: [], seq, ...extra,
  };
}
