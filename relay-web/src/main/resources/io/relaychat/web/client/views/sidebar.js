// The list of the user's rooms: names, private marks, unread counts, the one open; and, on a narrow screen, the
// menu button that slides the list in and out.
import { el, byId } from './dom.js';

const LOCK = new URL('../lock.svg', import.meta.url).pathname;

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
        ? el('span', { class: 'unread' },
          el('span', { 'aria-hidden': 'true', text: room.unread > 99 ? '99+' : String(room.unread) }),
          el('span', { class: 'visually-hidden', text: `, ${room.unread} unread` }))
        : null;
      return el('li', {},
        el('button', {
          type: 'button', class: 'room-button', dataset: { roomId: room.id },
          'aria-current': room.id === currentId ? 'true' : null,
          onclick: () => this.#onSelect(room.id),
        },
        room.type === 'private'
          ? el('img', { class: 'room-kind icon', src: LOCK, alt: 'Private:' })
          : el('span', { class: 'room-kind', 'aria-hidden': 'true', text: '#' }),
        el('span', { class: 'room-name', text: room.name }),
        unread));
    }));
  }
}
