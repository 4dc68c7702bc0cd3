// The signed-in screen: keeps each room's state (messages in seq order, unsent messages, unread count, who is online
// and typing), feeds it from RelayClient's events, and tells the views what changed. Every room the user is in is
// watched, so unread counts stay true for the rooms not on screen.
import { byId } from './views/dom.js';
import { Sidebar } from './views/sidebar.js';
import { Timeline } from './views/timeline.js';
import { Composer } from './views/composer.js';
import { RoomHeader } from './views/room-header.js';
import { Dialogs } from './views/dialogs.js';
import { ConnectionState, SendState } from './relay.js';

const PAGE = 50;
/**
 * The server tells nobody that they were added to a room (a direct message, a member added by someone else), so
 * the room list is asked again this often, whenever the socket comes back, and when the tab comes to the front.
 */
const ROOMS_REFRESH_MS = 20000;
/** Messages kept per room off screen; older ones are read again from history when scrolled to. */
const KEPT_OFF_SCREEN = 1000;
const STATUS_TEXT = {
  [ConnectionState.ONLINE]: 'Connected',
  [ConnectionState.CONNECTING]: 'Connecting…',
  [ConnectionState.RECONNECTING]: 'Reconnecting…',
  [ConnectionState.OFFLINE]: 'Offline',
};

export class Chat {
  #client;
  #notices;
  #rooms = new Map();
  #currentId = null;
  #sidebar;
  #timeline;
  #composer;
  #header = new RoomHeader();
  #dialogs;
  #unsubscribe = [];
  #refreshTimer = null;

  constructor(client, notices) {
    this.#client = client;
    this.#notices = notices;
    this.#sidebar = new Sidebar((id) => this.select(id));
    this.#timeline = new Timeline({
      onOlder: (room) => this.#loadOlder(room),
      onRetry: (clientId) => this.#client.retry(clientId),
      onDiscard: (clientId) => this.#discard(clientId),
    });
    this.#composer = new Composer(client, (roomId, content, urls) => this.#client.send(roomId, content, urls));
    this.#dialogs = new Dialogs(client, notices, {
      entered: (room, open) => this.#entered(room, open),
      left: (roomId) => this.#left(roomId),
    });
    byId('new-room-button').addEventListener('click', () => this.#dialogs.createRoom());
    byId('discover-button').addEventListener('click', () => this.#dialogs.discover());
    byId('direct-button').addEventListener('click', () => this.#dialogs.directMessage());
    byId('add-member-button').addEventListener('click', () => this.#current() && this.#dialogs.addMember(this.#current()));
    byId('leave-button').addEventListener('click', () => this.#current() && this.#dialogs.confirmLeave(this.#current()));
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState !== 'visible' || !this.#client.signedIn) return;
      if (this.#current()) this.#markRead(this.#current());
      this.#refreshRooms();
    });
  }

  /** Shows the user's rooms and goes live. */
  async start() {
    byId('chat-view').hidden = false;
    byId('current-user').textContent = this.#client.user.username;
    this.#listen();
    this.#showStatus(this.#client.state);
    this.#client.connect(); // rooms watched later are joined on this socket as they come
    try {
      const rooms = await this.#client.rooms();
      for (const room of rooms) this.#add(room);
      this.#renderRooms();
      const first = this.#ordered()[0];
      if (first) this.select(first.id);
    } catch (e) {
      this.#notices.error(e);
    }
    this.#refreshTimer = setInterval(() => this.#refreshRooms(), ROOMS_REFRESH_MS);
  }

  /**
   * Picks up rooms the user was put in since the list was read. Their newest page is read at once: those messages
   * are new to this user, so the others' count as unread.
   */
  async #refreshRooms() {
    const known = new Set(this.#rooms.keys()); // a room entered while the list is on its way is not in it yet
    let rooms;
    try {
      rooms = await this.#client.rooms();
    } catch (e) {
      return; // the socket's state already says when the server is away; the next refresh tries again
    }
    const listed = new Set(rooms.map((room) => room.id));
    for (const roomId of known) {
      if (this.#rooms.has(roomId) && !listed.has(roomId)) this.#left(roomId); // left in another tab or device
    }
    for (const room of rooms) {
      if (this.#rooms.has(room.id)) continue;
      const state = this.#add(room);
      await this.#loadNewest(state);
      state.unread = state.messages.filter((m) => m.user_id !== this.#client.user?.id).length;
      state.lastActivity = state.messages.at(-1)?.timestamp ?? state.lastActivity;
    }
    this.#renderRooms();
  }

  stop() {
    clearInterval(this.#refreshTimer);
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    this.#rooms.clear();
    this.#currentId = null;
    this.#dialogs.close();
    byId('chat-view').hidden = true;
    byId('room').hidden = true;
    byId('no-room').hidden = false;
    document.title = 'RelayChat';
  }

  #listen() {
    const on = (type, fn) => this.#unsubscribe.push(this.#client.on(type, fn));
    on('state', (state) => {
      this.#showStatus(state);
      if (state === ConnectionState.ONLINE) this.#refreshRooms();
      if (state === ConnectionState.RECONNECTING || state === ConnectionState.OFFLINE) {
        // Who is online was true when the socket went; the rooms' presence comes again once they are rejoined.
        for (const room of this.#rooms.values()) room.online = null;
        if (this.#current()) this.#header.show(this.#current(), this.#client.user);
      }
    });
    on('message', (message) => this.#message(message));
    on('outgoing', (send) => this.#outgoing(send));
    on('presence', ({ roomId, online }) => {
      const room = this.#rooms.get(roomId);
      if (!room) return;
      room.online = online;
      if (room.id === this.#currentId) this.#header.show(room, this.#client.user);
    });
    on('typing', ({ roomId, userId, username }) => {
      const room = this.#rooms.get(roomId);
      if (!room) return;
      RoomHeader.typed(room, userId, username);
      if (room.id === this.#currentId) this.#header.showTyping(room);
    });
    on('user_joined', ({ roomId, userId, text }) => {
      if (roomId === this.#currentId && userId !== this.#client.user?.id) this.#timeline.notice(text);
    });
    on('error', (error) => this.#notices.error(error));
  }

  #showStatus(state) {
    const status = byId('connection-status');
    status.textContent = STATUS_TEXT[state] ?? state;
    status.dataset.state = state;
  }

  #add(room) {
    if (this.#rooms.has(room.id)) return this.#rooms.get(room.id);
    const state = {
      id: room.id, name: room.name, type: room.type, createdAt: room.created_at,
      messages: [], ids: new Set(), pending: new Map(), unread: 0, online: null, typing: new Map(),
      loaded: false, loadingOlder: false, hasMore: true, lastActivity: room.created_at ?? '',
    };
    this.#rooms.set(room.id, state);
    this.#client.watch(room.id);
    return state;
  }

  /** Rooms with the newest activity first. */
  #ordered() {
    return [...this.#rooms.values()].sort((a, b) => (b.lastActivity > a.lastActivity ? 1 : b.lastActivity < a.lastActivity ? -1 : a.name.localeCompare(b.name)));
  }

  #renderRooms() {
    this.#sidebar.render(this.#ordered(), this.#currentId);
    const total = [...this.#rooms.values()].reduce((sum, room) => sum + room.unread, 0);
    document.title = total > 0 ? `(${total}) RelayChat` : 'RelayChat';
  }

  #current() {
    return this.#rooms.get(this.#currentId) ?? null;
  }

  select(roomId) {
    const room = this.#rooms.get(roomId);
    if (!room) return;
    const previous = this.#current();
    if (previous && previous !== room) this.#trim(previous);
    this.#currentId = roomId;
    byId('no-room').hidden = true;
    byId('room').hidden = false;
    this.#sidebar.setOpen(false);
    this.#header.show(room, this.#client.user);
    this.#timeline.show(room, this.#client.user);
    this.#composer.open(roomId);
    room.unread = 0;
    this.#renderRooms(); // the list marks the open room, and the title's count drops this room's unread
    if (!room.loaded) this.#loadNewest(room);
  }

  #markRead(room) {
    if (room.unread === 0) return;
    room.unread = 0;
    this.#renderRooms();
  }

  #entered(room, open) {
    this.#add(room);
    this.#renderRooms();
    if (open) this.select(room.id);
  }

  #left(roomId) {
    this.#client.unwatch(roomId);
    this.#rooms.delete(roomId);
    if (this.#currentId === roomId) {
      this.#currentId = null;
      byId('room').hidden = true;
      byId('no-room').hidden = false;
    }
    this.#renderRooms();
    const next = this.#ordered()[0];
    if (!this.#currentId && next) this.select(next.id);
  }

  /** Puts a message in its room in seq order; answers false when the room has it already. */
  #store(room, message) {
    if (room.ids.has(message.id)) return false;
    room.ids.add(message.id);
    let at = room.messages.length;
    while (at > 0 && room.messages[at - 1].seq > message.seq) at--;
    room.messages.splice(at, 0, message);
    return true;
  }

  async #loadNewest(room) {
    try {
      const page = await this.#client.history(room.id, { limit: PAGE });
      for (const message of page) this.#store(room, message);
      room.loaded = true;
      room.hasMore = page.length === PAGE;
      if (room.id === this.#currentId) this.#timeline.show(room, this.#client.user);
    } catch (e) {
      this.#notices.error(e);
    }
  }

  async #loadOlder(room) {
    if (!room.loaded || room.loadingOlder || !room.hasMore) return;
    room.loadingOlder = true;
    this.#timeline.historyStatus();
    try {
      const oldest = room.messages[0]?.seq;
      const page = await this.#client.history(room.id, { limit: PAGE, beforeSeq: oldest });
      for (const message of page) this.#store(room, message);
      room.hasMore = page.length === PAGE;
    } catch (e) {
      this.#notices.error(e);
    } finally {
      room.loadingOlder = false;
    }
    if (room.id === this.#currentId) this.#timeline.prepended();
  }

  #message(message) {
    const room = this.#rooms.get(message.room_id);
    if (!room) return;
    room.typing.delete(message.user_id);
    room.lastActivity = message.timestamp ?? room.lastActivity;
    const fresh = this.#store(room, message);
    const onScreen = room.id === this.#currentId;
    if (onScreen) this.#header.showTyping(room);
    if (!fresh) return;
    if (onScreen) this.#timeline.added(message);
    else this.#trim(room);
    const seen = onScreen && document.visibilityState === 'visible';
    if (!seen && message.user_id !== this.#client.user?.id) room.unread++;
    this.#renderRooms();
  }

  /** Keeps a room that is not on screen from growing without end: its oldest messages go, to be read again if wanted. */
  #trim(room) {
    const extra = room.messages.length - KEPT_OFF_SCREEN;
    if (extra <= 0) return;
    for (const message of room.messages.splice(0, extra)) room.ids.delete(message.id);
    room.hasMore = true;
  }

  #outgoing(send) {
    const room = this.#rooms.get(send.roomId);
    if (!room) return;
    if (send.state === SendState.SENT) room.pending.delete(send.clientId);
    else room.pending.set(send.clientId, send);
    if (room.id === this.#currentId) this.#timeline.pendingChanged();
  }

  #discard(clientId) {
    for (const room of this.#rooms.values()) {
      if (room.pending.delete(clientId)) {
        this.#client.discard(clientId);
        if (room.id === this.#currentId) this.#timeline.pendingChanged();
      }
    }
  }
}
