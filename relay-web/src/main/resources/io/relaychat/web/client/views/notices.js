// Short notices at the edge of the screen: errors by their readable text, and confirmations. Each one is announced
// by screen readers (the container is an alert region) and goes away by itself or when dismissed.
import { el, byId } from './dom.js';
import { describeError } from './errors.js';

const SHOWN_MS = 6000;

export class Notices {
  #container = byId('notices');

  error(error, context) {
    this.show(describeError(error, context), 'error');
  }

  info(text) {
    this.show(text, 'info');
  }

  show(text, kind) {
    const notice = el('div', { class: `notice ${kind}` },
      el('span', { text }),
      el('button', { type: 'button', class: 'icon-button', 'aria-label': 'Dismiss', text: '✕', onclick: () => notice.remove() }));
    this.#container.append(notice);
    while (this.#container.children.length > 4) this.#container.firstElementChild.remove();
    setTimeout(() => notice.remove(), SHOWN_MS);
  }
}
