// One room's messages on screen: oldest at the top, a separator before each day, each message with its author,
// time and attachments; the user's own unacknowledged sends below them with their state (sending, or failed with
// Retry). Scrolling near the top loads older history (before_seq), keeping the view where it was.
import { el, byId, uploadUrl, isImage } from './dom.js';
import { parseTime, timeOfDay, fullTime, dayKey, dayLabel } from './format.js';
import { describeError } from './errors.js';

const NEAR_BOTTOM_PX = 80;
const NEAR_TOP_PX = 120;

export class Timeline {
  #log = byId('message-log');
  #list = byId('messages');
  #status = byId('history-status');
  #room = null;
  #me = null;
  #onOlder;
  #onRetry;
  #onDiscard;
  /** Whether the view follows the newest message: true until the reader scrolls up, again once back at the bottom. */
  #following = true;

  /** `onOlder(room)` loads the page before the oldest shown; `onRetry`/`onDiscard(clientId)` act on a failed send. */
  constructor({ onOlder, onRetry, onDiscard }) {
    this.#onOlder = onOlder;
    this.#onRetry = onRetry;
    this.#onDiscard = onDiscard;
    this.#log.addEventListener('scroll', () => {
      this.#following = this.#nearBottom();
      if (this.#room && this.#log.scrollTop < NEAR_TOP_PX) this.#onOlder(this.#room);
    });
    // An image grows the log when it has loaded, after the scroll to the bottom: follow it if we were following.
    this.#list.addEventListener('load', () => {
      if (this.#following) this.scrollToBottom();
    }, true);
  }

  /** Shows `room` (its state from the chat controller), scrolled to the newest message. */
  show(room, me) {
    this.#room = room;
    this.#me = me;
    this.renderAll();
    this.scrollToBottom();
  }

  get room() {
    return this.#room;
  }

  scrollToBottom() {
    this.#log.scrollTop = this.#log.scrollHeight;
    this.#following = true;
  }

  #nearBottom() {
    return this.#log.scrollHeight - this.#log.scrollTop - this.#log.clientHeight < NEAR_BOTTOM_PX;
  }

  renderAll() {
    const room = this.#room;
    const items = [];
    let day = null;
    for (const message of room.messages) {
      const date = parseTime(message.timestamp);
      if (dayKey(date) !== day) {
        day = dayKey(date);
        items.push(daySeparator(date));
      }
      items.push(this.#message(message, date));
    }
    for (const send of room.pending.values()) items.push(this.#pending(send));
    this.#list.replaceChildren(...items);
    this.historyStatus();
  }

  historyStatus() {
    const room = this.#room;
    this.#status.textContent = room.loadingOlder ? 'Loading older messages…'
      : !room.loaded ? 'Loading messages…'
        : room.hasMore ? '' : room.messages.length ? 'This is the start of the room.' : 'No messages yet: say hello.';
  }

  /** A message delivered live: added at the end (before the pending sends) when it is the newest, else a redraw. */
  added(message) {
    const room = this.#room;
    const follow = this.#nearBottom() || message.user_id === this.#me?.id;
    if (room.messages[room.messages.length - 1] !== message) {
      this.renderAll();
    } else {
      const date = parseTime(message.timestamp);
      const previous = room.messages[room.messages.length - 2];
      const firstPending = this.#list.querySelector('.pending');
      if (!previous || dayKey(parseTime(previous.timestamp)) !== dayKey(date)) this.#list.insertBefore(daySeparator(date), firstPending);
      this.#list.insertBefore(this.#message(message, date), firstPending);
      this.historyStatus();
    }
    if (follow) this.scrollToBottom();
  }

  /** An older page arrived: redraw, keeping the messages that were on screen where they were. */
  prepended() {
    const fromBottom = this.#log.scrollHeight - this.#log.scrollTop;
    this.renderAll();
    this.#log.scrollTop = this.#log.scrollHeight - fromBottom;
  }

  pendingChanged() {
    const follow = this.#nearBottom();
    for (const node of this.#list.querySelectorAll('.pending')) node.remove();
    for (const send of this.#room.pending.values()) this.#list.append(this.#pending(send));
    if (follow) this.scrollToBottom();
  }

  /** A line in the log that is not a message (someone joined): shown until the next redraw. */
  notice(text) {
    this.#list.insertBefore(el('li', { class: 'event', text }), this.#list.querySelector('.pending'));
    if (this.#nearBottom()) this.scrollToBottom();
  }

  #message(message, date) {
    const own = message.user_id === this.#me?.id;
    return el('li', { class: own ? 'message own' : 'message', dataset: { seq: message.seq, id: message.id } },
      el('div', { class: 'meta' },
        el('span', { class: 'author', text: message.username }),
        el('time', { datetime: date.toISOString(), title: fullTime(date), text: timeOfDay(date) })),
      message.content ? el('p', { class: 'content', text: message.content }) : null,
      attachmentsOf(message.attachments));
  }

  #pending(send) {
    const failed = send.state === 'failed';
    return el('li', { class: failed ? 'message own pending failed' : 'message own pending', dataset: { clientId: send.clientId } },
      el('div', { class: 'meta' },
        el('span', { class: 'author', text: this.#me?.username ?? '' }),
        el('span', { class: 'send-state', text: failed ? `Not sent: ${describeError(send.error)}` : 'Sending…' })),
      send.content ? el('p', { class: 'content', text: send.content }) : null,
      attachmentsOf(send.attachments),
      failed ? el('div', { class: 'send-actions' },
        el('button', { type: 'button', text: 'Retry', onclick: () => this.#onRetry(send.clientId) }),
        el('button', { type: 'button', text: 'Discard', onclick: () => this.#onDiscard(send.clientId) })) : null);
  }
}

function daySeparator(date) {
  const label = dayLabel(date);
  return el('li', { class: 'day' }, el('h3', { text: label }));
}

/** Links to the files, images shown as previews; a URL this server did not generate is shown as text, never linked. */
function attachmentsOf(urls) {
  if (!Array.isArray(urls) || urls.length === 0) return null;
  return el('ul', { class: 'message-attachments' }, ...urls.map((url) => {
    const safe = uploadUrl(url);
    const name = String(url).split('/').pop();
    if (!safe) return el('li', { class: 'hint', text: String(url) });
    if (isImage(safe)) {
      return el('li', {}, el('a', { href: safe, target: '_blank', rel: 'noopener noreferrer' },
        el('img', { src: safe, alt: `Image ${name}`, class: 'preview' })));
    }
    return el('li', {}, el('a', { href: safe, download: name, class: 'file-link', text: name }));
  }));
}
