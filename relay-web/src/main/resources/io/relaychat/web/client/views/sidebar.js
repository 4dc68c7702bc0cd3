// The list of the user's rooms: names, private marks, unread counts, the one open; and, on a narrow screen, the
// menu button that slides the list in and out.
import { el, byId } from './dom.js';

export class Sidebar {
  #list = byId('room-list');
  #empty = byId('no-rooms');
  #nav = byId('sidebar');
  #toggle = byId('menu-toggle');
  #onSelect;

  constructor(onSelect) {
    this.#onSelect = onSelect;
    this.#toggle.addEventListener('click', () => this.setOpen(this.#toggle.getAttribute('aria-expanded') !== 'true'));
  }

  setOpen(open) {
    this.#toggle.setAttribute('aria-expanded', String(open));
    this.#toggle.setAttribute('aria-label', open ? 'Hide rooms' : 'Show rooms');
    this.#nav.classList.toggle('open', open);
  }

  /** Draws `rooms` (room states, in display order) with `currentId` marked as the open one. */
  render(rooms, currentId) {
    this.#empty.hidden = rooms.length > 0;
    this.#list.replaceChildren(...rooms.map((room) => {
      const unread = room.unread > 0
        ? el('span', { class: 'unread', 'aria-label': `${room.unread} unread`, text: room.unread > 99 ? '99+' : String(room.unread) })
        : null;
      return el('li', {},
        el('button', {
          type: 'button', class: 'room-button', dataset: { roomId: room.id },
          'aria-current': room.id === currentId ? 'true' : null,
          onclick: () => this.#onSelect(room.id),
        },
        el('span', { class: 'room-kind', 'aria-label': room.type === 'private' ? 'Private room' : 'Group room', text: room.type === 'private' ? '🔒' : '#' }),
        el('span', { class: 'room-name', text: room.name }),
        unread));
    }));
  }
}
