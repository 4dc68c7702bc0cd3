// What each refusal of the server means to a person, by its protocol code (docs/protocol.md, "Error codes"). The
// server's own text is shown only where it names what to fix (a form field, a limit).

const MESSAGES = {
  invalid_credentials: 'Wrong email or password.',
  email_taken: 'An account with this email already exists: log in instead.',
  unauthenticated: 'Your session has ended: please log in again.',
  not_member: 'You are not a member of this room.',
  access_denied: 'This room is private: a member has to add you.',
  not_found: 'Not found.',
  self_direct_message: 'You cannot send a direct message to yourself.',
  storage_unavailable: 'The server cannot store anything right now. Try again in a moment.',
  server_busy: 'The server is busy. Try again in a moment.',
  internal_error: 'Something went wrong on the server.',
  too_many_connections: 'Too many connections: close another RelayChat tab and try again.',
  too_many_rooms: 'You are in more rooms than one connection can follow.',
  network_error: 'The server cannot be reached. Check your connection.',
  frame_too_large: 'That message is too big to send.',
};

/** Codes whose server text says what exactly is wrong (which field, which limit): shown after our sentence. */
const WITH_DETAIL = {
  invalid_field: 'Please check what you entered:',
  content_too_long: 'Your message is too long:',
  payload_too_large: 'That file is too large:',
};

/** Codes that mean this page sent something the server did not understand: a bug here, not the user's doing. */
const OUR_FAULT = new Set(['invalid_json', 'unknown_action', 'unsupported_frame', 'malformed_request', 'method_not_allowed', 'not_joined']);

/** A readable sentence for an error from RelayClient (a RelayError) or anything thrown along the way. */
export function describeError(error, context = {}) {
  const code = error?.code;
  if (code === 'rate_limited') {
    const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
    return `You are going too fast: wait ${seconds} s and try again.`;
  }
  if (code === 'not_found' && context.notFound) return context.notFound;
  if (code in WITH_DETAIL) return `${WITH_DETAIL[code]} ${error.message}`;
  if (code in MESSAGES) return MESSAGES[code];
  if (OUR_FAULT.has(code)) return `The server did not understand a request of this page (${code}). Reload the page.`;
  return error?.message ? String(error.message) : 'Something went wrong.';
}
