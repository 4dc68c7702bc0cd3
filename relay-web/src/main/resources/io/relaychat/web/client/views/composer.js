// Writing a message: the text box (Enter sends, Shift+Enter breaks the line), typing notices while writing, and
// attachments picked with the button or dropped on the room, uploaded at once and shown (images as previews) until
// the message goes.
import { el, byId, isImage } from './dom.js';
import { describeError } from './errors.js';

/** The text box grows with its text up to this height, then scrolls. */
const MAX_INPUT_PX = 160;

export class Composer {
  #form = byId('composer');
  #input = byId('message-input');
  #send = byId('send-button');
  #fileInput = byId('file-input');
  #list = byId('attachments');
  #dropZone = byId('drop-zone');
  #client;
  #roomId = null;
  /** Files of the message being written: {name, state: uploading|ready|failed, url, preview}. */
  #files = [];
  #onSend;

  /** `onSend(roomId, content, attachmentUrls)` sends; the composer then empties. */
  constructor(client, onSend) {
    this.#client = client;
    this.#onSend = onSend;
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit();
    });
    this.#input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.#submit();
      }
    });
    this.#input.addEventListener('input', () => {
      this.#grow();
      if (this.#roomId && this.#input.value) this.#client.typing(this.#roomId);
    });
    byId('attach-button').addEventListener('click', () => this.#fileInput.click());
    this.#fileInput.addEventListener('change', () => {
      this.#attach([...this.#fileInput.files]);
      this.#fileInput.value = '';
    });
    const room = byId('room');
    let depth = 0; // dragenter/leave fire for every child crossed: count them to know when the drag really left
    room.addEventListener('dragenter', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth++;
      this.#dropZone.hidden = false;
    });
    room.addEventListener('dragover', (event) => {
      if (hasFiles(event)) event.preventDefault();
    });
    room.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) this.#dropZone.hidden = true;
    });
    room.addEventListener('drop', (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      depth = 0;
      this.#dropZone.hidden = true;
      this.#attach([...event.dataTransfer.files]);
    });
  }

  /** Writing now goes to `roomId`; what was being written for another room is dropped with its attachments. */
  open(roomId) {
    if (this.#roomId !== roomId) {
      this.#roomId = roomId;
      this.#input.value = '';
      this.#clearFiles();
      this.#grow();
    }
    this.#input.focus();
  }

  #submit() {
    const content = this.#input.value.trim();
    const urls = this.#files.filter((f) => f.state === 'ready').map((f) => f.url);
    if (!this.#roomId || (!content && urls.length === 0) || this.#files.some((f) => f.state === 'uploading')) return;
    this.#onSend(this.#roomId, content, urls);
    this.#input.value = '';
    this.#clearFiles();
    this.#grow();
    this.#input.focus();
  }

  #attach(files) {
    for (const file of files) {
      const entry = { name: file.name, state: 'uploading', url: null, error: null, preview: isImage(file.name) ? URL.createObjectURL(file) : null };
      this.#files.push(entry);
      this.#client.upload(file).then((answer) => {
        entry.state = 'ready';
        entry.url = answer.url;
      }, (error) => {
        entry.state = 'failed';
        entry.error = describeError(error);
      }).finally(() => this.#render());
    }
    this.#render();
  }

  #clearFiles() {
    for (const f of this.#files) if (f.preview) URL.revokeObjectURL(f.preview);
    this.#files = [];
    this.#render();
  }

  #render() {
    this.#list.replaceChildren(...this.#files.map((file) => el('li', { class: `attachment ${file.state}` },
      file.preview ? el('img', { src: file.preview, alt: '', class: 'thumb' }) : null,
      el('span', { class: 'attachment-name', text: file.name }),
      el('span', { class: 'hint', text: file.state === 'uploading' ? 'Uploading…' : file.state === 'failed' ? file.error : 'Ready' }),
      el('button', {
        type: 'button', class: 'icon-button', text: '✕', 'aria-label': `Remove ${file.name}`,
        onclick: () => {
          if (file.preview) URL.revokeObjectURL(file.preview);
          this.#files = this.#files.filter((f) => f !== file);
          this.#render();
        },
      }))));
    this.#send.disabled = this.#files.some((f) => f.state === 'uploading');
  }

  #grow() {
    this.#input.style.height = 'auto';
    this.#input.style.height = `${Math.min(this.#input.scrollHeight, MAX_INPUT_PX)}px`;
    this.#input.style.overflowY = this.#input.scrollHeight > MAX_INPUT_PX ? 'auto' : 'hidden';
  }
}

function hasFiles(event) {
  return [...(event.dataTransfer?.types ?? [])].includes('Files');
}
