// The page's entry point: one RelayClient for the page, the log-in view until someone signs in, then the chat; back
// to the log-in view on log-out or when the server no longer takes the session.
import { RelayClient } from './relay.js';
import { AuthView } from './views/auth.js';
import { Notices } from './views/notices.js';
import { byId } from './views/dom.js';
import { Chat } from './chat.js';

const client = new RelayClient();
const notices = new Notices();
const chat = new Chat(client, notices);
const auth = new AuthView(client, () => {
  auth.hide();
  chat.start();
});

function signOut(message) {
  chat.stop();
  client.logout();
  auth.show(message);
}

byId('logout-button').addEventListener('click', () => signOut(''));
client.on('unauthenticated', () => signOut('Your session has ended: please log in again.'));
auth.show();
