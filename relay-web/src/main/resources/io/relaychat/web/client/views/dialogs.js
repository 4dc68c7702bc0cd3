// The dialogs that change which rooms the user is in: create a room, discover public rooms, message someone, add a
// member, confirm leaving. One modal <dialog> element is filled for each; Escape and the close button close it.
import { el, byId } from './dom.js';
import { describeError } from './errors.js';

const SEARCH_DELAY_MS = 250;

export class Dialogs {
  #dialog = byId('dialog');
  #title = byId('dialog-title');
  #body = byId('dialog-body');
  #client;
  #notices;
  #rooms;

  /** `rooms` is told about rooms the user got into: `rooms.entered(room)`, and `rooms.left(roomId)`. */
  constructor(client, notices, rooms) {
    this.#client = client;
    this.#notices = notices;
    this.#rooms = rooms;
    byId('dialog-close').addEventListener('click', () => this.close());
    this.#dialog.addEventListener('close', () => this.#body.replaceChildren());
  }

  close() {
    if (this.#dialog.open) this.#dialog.close();
  }

  #open(title, ...content) {
    this.#title.textContent = title;
    this.#body.replaceChildren(...content);
    if (!this.#dialog.open) this.#dialog.showModal();
    this.#body.querySelector('input, select, button')?.focus();
  }

  /** A form whose submit runs `action` with the button disabled, showing a refusal in the form itself. */
  #form(fields, submitText, action) {
    const error = el('p', { class: 'form-error', role: 'alert' });
    const submit = el('button', { type: 'submit', class: 'primary', text: submitText });
    const form = el('form', { class: 'dialog-form', novalidate: true }, ...fields, error, submit);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      submit.disabled = true;
      error.textContent = '';
      try {
        await action(form);
      } catch (e) {
        error.textContent = describeError(e, { notFound: 'No user with that email or name.' });
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  createRoom() {
    const name = el('input', { id: 'room-name-input', name: 'name', required: true, maxlength: 100, autocomplete: 'off' });
    const type = el('select', { id: 'room-type-input', name: 'type' },
      el('option', { value: 'group', text: 'Group: anyone can find and join it' }),
      el('option', { value: 'private', text: 'Private: members add members' }));
    this.#open('New room', this.#form([
      el('label', { for: 'room-name-input', text: 'Room name' }), name,
      el('label', { for: 'room-type-input', text: 'Kind' }), type,
    ], 'Create room', async () => {
      if (!name.value.trim()) throw new Error('Give the room a name.');
      const room = await this.#client.createRoom({ name: name.value.trim(), type: type.value });
      this.close();
      this.#rooms.entered(room, true);
    }));
  }

  async discover() {
    const list = el('ul', { class: 'pick-list', 'aria-label': 'Public rooms' }, el('li', { class: 'hint', text: 'Loading…' }));
    this.#open('Discover rooms', list);
    try {
      const rooms = await this.#client.discoverRooms();
      if (rooms.length === 0) {
        list.replaceChildren(el('li', { class: 'hint', text: 'No public rooms to join: you are in all of them.' }));
        return;
      }
      list.replaceChildren(...rooms.map((room) => el('li', {},
        el('span', { class: 'pick-name', text: room.name }),
        el('span', { class: 'hint', text: `${room.members.length} member${room.members.length === 1 ? '' : 's'}` }),
        el('button', {
          type: 'button', text: 'Join', 'aria-label': `Join ${room.name}`,
          onclick: async (event) => {
            event.target.disabled = true;
            try {
              await this.#client.joinPublicRoom(room.id);
              this.close();
              this.#rooms.entered(room, true);
            } catch (e) {
              event.target.disabled = false;
              this.#notices.error(e);
            }
          },
        }))));
    } catch (e) {
      list.replaceChildren(el('li', { class: 'form-error', text: describeError(e) }));
    }
  }

  directMessage() {
    const query = el('input', { id: 'user-search-input', type: 'text', autocomplete: 'off', placeholder: 'At least 2 letters of a name or email' });
    const results = el('ul', { class: 'pick-list', 'aria-label': 'People', 'aria-live': 'polite' });
    let timer = null;
    let asked = 0;
    query.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const text = query.value.trim();
        const mine = ++asked;
        if (text.length < 2) {
          results.replaceChildren();
          return;
        }
        try {
          const users = (await this.#client.searchUsers(text)).filter((u) => u.id !== this.#client.user?.id);
          if (mine !== asked) return; // an answer to an older query: a newer one is on its way
          results.replaceChildren(...(users.length ? users.map((user) => el('li', {},
            el('span', { class: 'pick-name', text: user.username }),
            el('span', { class: 'hint', text: user.email }),
            el('button', {
              type: 'button', text: 'Message', 'aria-label': `Message ${user.username}`,
              onclick: () => this.#openDirect(user.email),
            }))) : [el('li', { class: 'hint', text: 'Nobody found.' })]));
        } catch (e) {
          results.replaceChildren(el('li', { class: 'form-error', text: describeError(e) }));
        }
      }, SEARCH_DELAY_MS);
    });
    this.#open('Direct message', el('label', { for: 'user-search-input', text: 'Find a person' }), query, results);
  }

  async #openDirect(identifier) {
    try {
      const room = await this.#client.directRoom(identifier);
      this.close();
      this.#rooms.entered(room, true);
    } catch (e) {
      this.#notices.error(e, { notFound: 'No user with that email or name.' });
    }
  }

  addMember(room) {
    const email = el('input', { id: 'member-email-input', type: 'email', autocomplete: 'off', required: true });
    this.#open(`Add a member to ${room.name}`, this.#form([
      el('label', { for: 'member-email-input', text: 'Their email' }), email,
    ], 'Add member', async () => {
      const added = await this.#client.addMember(room.id, email.value.trim());
      this.close();
      this.#notices.info(`${added.username} was added to ${room.name}.`);
    }));
  }

  confirmLeave(room) {
    this.#open(`Leave ${room.name}?`,
      el('p', { text: room.type === 'private' ? 'A member will have to add you again.' : 'You can join it again from Discover.' }),
      el('div', { class: 'dialog-actions' },
        el('button', { type: 'button', text: 'Stay', onclick: () => this.close() }),
        el('button', {
          type: 'button', class: 'danger', text: 'Leave room',
          onclick: async () => {
            try {
              await this.#client.leaveRoom(room.id);
              this.close();
              this.#rooms.left(room.id);
            } catch (e) {
              this.#notices.error(e);
            }
          },
        })));
  }
}
