// The log-in and create-account form: one form, two modes. It hands the credentials to RelayClient and reports
// success to the app; a refusal is shown in the form by its code.
import { byId } from './dom.js';
import { describeError } from './errors.js';

export class AuthView {
  #client;
  #onSignedIn;
  #registering = false;
  #section = byId('auth-view');
  #form = byId('auth-form');
  #error = byId('auth-error');

  constructor(client, onSignedIn) {
    this.#client = client;
    this.#onSignedIn = onSignedIn;
    byId('tab-login').addEventListener('click', () => this.#mode(false));
    byId('tab-register').addEventListener('click', () => this.#mode(true));
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#submit();
    });
  }

  /** Shows the form in log-in mode (whatever mode it was left in), with `message` as its first line. */
  show(message = '') {
    this.#section.hidden = false;
    this.#mode(false);
    this.#error.textContent = message;
    byId('auth-password').value = '';
    byId('auth-email').focus();
  }

  hide() {
    this.#section.hidden = true;
  }

  #mode(registering) {
    this.#registering = registering;
    byId('tab-login').setAttribute('aria-pressed', String(!registering));
    byId('tab-register').setAttribute('aria-pressed', String(registering));
    byId('auth-username-row').hidden = !registering;
    byId('auth-submit').textContent = registering ? 'Create account' : 'Log in';
    byId('auth-password').autocomplete = registering ? 'new-password' : 'current-password';
    this.#error.textContent = '';
  }

  async #submit() {
    const email = byId('auth-email').value.trim();
    const password = byId('auth-password').value;
    const username = byId('auth-username').value.trim();
    const problem = !email ? 'Enter your email.'
      : this.#registering && !username ? 'Choose a username.'
        : password.length < 8 ? 'The password has at least 8 characters.' : '';
    if (problem) {
      this.#error.textContent = problem;
      return;
    }
    const submit = byId('auth-submit');
    submit.disabled = true;
    this.#error.textContent = '';
    try {
      const user = this.#registering
        ? await this.#client.register({ email, username, password })
        : await this.#client.login({ email, password });
      byId('auth-password').value = '';
      this.#onSignedIn(user);
    } catch (error) {
      this.#error.textContent = describeError(error);
    } finally {
      submit.disabled = false;
    }
  }
}
