// The head of the open room: its name, who is online in it, and who is typing (each name expiring a few seconds after
// its last typing event, or at once when their message arrives).
import { byId } from './dom.js';

const TYPING_SHOWN_MS = 4000;

export class RoomHeader {
  #title = byId('room-title');
  #online = byId('online-users');
  #typing = byId('typing');
  #timer = null;

  show(room, me) {
    this.#title.textContent = room.name;
    if (room.online === null) {
      this.#online.textContent = ''; // not known: before the room is joined, or while the socket is away
    } else {
      const names = Object.entries(room.online).map(([id, name]) => (id === me?.id ? `${name} (you)` : name)).sort();
      this.#online.textContent = names.length ? `Online: ${names.join(', ')}` : 'Nobody online';
    }
    this.showTyping(room);
  }

  /** Records that `username` types in `room`, to be shown for a few seconds. */
  static typed(room, userId, username) {
    room.typing.set(userId, { username, until: Date.now() + TYPING_SHOWN_MS });
  }

  showTyping(room) {
    const now = Date.now();
    for (const [id, entry] of room.typing) if (entry.until <= now) room.typing.delete(id);
    const names = [...room.typing.values()].map((entry) => entry.username);
    this.#typing.textContent = names.length === 0 ? ''
      : names.length === 1 ? `${names[0]} is typing…`
        : names.length <= 3 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are typing…`
          : 'Several people are typing…';
    clearTimeout(this.#timer);
    if (names.length) {
      const next = Math.min(...[...room.typing.values()].map((entry) => entry.until)) - now;
      this.#timer = setTimeout(() => this.showTyping(room), Math.max(50, next));
    }
  }
}
