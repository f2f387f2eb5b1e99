// The registry's HTTP API as the dashboard uses it (docs/api.md): JSON reads, writes with the
// token, and the errors both can end in.

// The API lives beside /ui/, so a server behind a path prefix works too.
const BASE = new URL('../', document.baseURI);
const TOKEN_KEY = 'registry.token';

/** The server answered with an error: its status, its error code and its message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** No answer: the connection failed or timed out. */
export class Unreachable extends Error {}

/** The token, kept for this tab only; it is never put in a URL and never logged. */
export const token = {
  get() {
    try {
      return sessionStorage.getItem(TOKEN_KEY) || null;
    } catch {
      return null;  // storage disabled: the page still reads, and writes go without a token
    }
  },
  set(value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  },
  clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

/**
 * GETs a route and answers its JSON. A status listed in {@code accept} (404 of an unknown service
 * on /discover) is an answer too; any other error status throws an ApiError, no answer within
 * {@code timeoutMs} an Unreachable. An aborted {@code signal} ends the request (a long-poll no
 * longer wanted).
 */
export async function getJson(path, { timeoutMs = 10_000, accept = [], signal } = {}) {
  const response = await send(path, { method: 'GET', headers: { Accept: 'application/json' } }, timeoutMs, signal);
  const body = await readJson(response);
  if (!response.ok && !accept.includes(response.status)) {
    throw errorOf(response, body);
  }
  if (body === null) {
    throw new Unreachable('the answer broke off');
  }
  return body;
}

/** POSTs a JSON body, with the bearer token when one is set; answers the JSON or throws an ApiError. */
export async function postJson(path, payload) {
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const bearer = token.get();
  if (bearer) {
    headers.Authorization = `Bearer ${bearer}`;
  }
  const response = await send(path, { method: 'POST', headers, body: JSON.stringify(payload) }, 10_000);
  const body = await readJson(response);
  if (!response.ok) {
    throw errorOf(response, body);
  }
  return body;
}

async function send(path, init, timeoutMs, signal) {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  signal?.addEventListener('abort', () => abort.abort(), { once: true });
  try {
    return await fetch(new URL(path, BASE), {
      ...init,
      cache: 'no-store',
      credentials: 'same-origin',
      redirect: 'error',
      signal: abort.signal,
    });
  } catch (e) {
    throw new Unreachable(abort.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : 'no connection');
  } finally {
    clearTimeout(timer);
  }
}

async function readJson(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function errorOf(response, body) {
  const code = body && typeof body.error === 'string' ? body.error : `http_${response.status}`;
  const message = body && typeof body.message === 'string' ? body.message : response.statusText;
  return new ApiError(response.status, code, message);
}
