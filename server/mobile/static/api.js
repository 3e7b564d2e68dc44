// api.js — the app's one way to call sangloc's JSON API (/api/v1): bearer token, JSON in and
// out, a timeout, and errors sorted by what the app must do about them.
//
// Exports:
//   API_BASE ("/api/v1"), TIMEOUT_MS (30 s)
//   ApiError (Error): {kind, status, code, message, errors}
//     kind "offline"  — no answer: network failure or timeout (status 0)
//          "auth"     — 401, or 403 with code 403.1 (device revoked) or 403.150 (not a
//                       collaborator): the token may no longer act; sign in again (drop nothing)
//          "client"   — another 4xx (also a 403 like 403.2, one form not for this device): `message` is the server's (JSON error shape)
//          "server"   — 5xx, 408, 429 (try again later), or an answer that is not JSON
//   createApi({getToken, getLanguage?, fetch?, base?, timeoutMs?}) -> {request, get, post, del, text, blob}
//     request(method, path, {body, query, as: "json"|"text"|"blob", timeoutMs, asGiven}) -> the
//     answer (JSON by default; null for 204). `path` is under /api/v1 ("/forms"), or a URL the
//     server gave (xml_url, media url: "/api/v1/…", or any path with asGiven: true), used as
//     it is. getToken() and getLanguage() may be async (e.g. read from IndexedDB `meta`); the
//     language (default "vi") goes as Accept-Language, for the server's error messages.
//   isOfflineError(e), isAuthError(e)

export const API_BASE = '/api/v1';
export const TIMEOUT_MS = 30_000;

export class ApiError extends Error {
  constructor(kind, status, message, { code = null, errors = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.kind = kind;
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}

export const isOfflineError = (error) => error instanceof ApiError && error.kind === 'offline';
export const isAuthError = (error) => error instanceof ApiError && error.kind === 'auth';

// the 403s that mean "this token may no longer act": a revoked device, an account that is no
// longer a collaborator; any other 403 (403.2: one form not for this device) is about one thing
const AUTH_403 = new Set(['403.1', '403.150']);

function kindOf(status, code) {
  if (status === 401 || (status === 403 && AUTH_403.has(code))) return 'auth';
  if (status === 408 || status === 429) return 'server'; // try again later, like a 5xx
  if (status >= 400 && status < 500) return 'client';
  return 'server';
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null; // an HTML page from a proxy, or nothing
  }
  const detail = body && typeof body === 'object' ? body.error : null;
  const message = typeof detail?.message === 'string' ? detail.message : `HTTP ${response.status}`;
  return new ApiError(kindOf(response.status, detail?.code ?? null), response.status, message,
    { code: detail?.code ?? null, errors: detail?.errors ?? null });
}

// "/forms" -> "/api/v1/forms"; a URL the server gave ("/api/v1/…" or "https://…") is kept
function urlFor(base, path, asGiven) {
  return asGiven || /^https?:\/\//.test(path) || path.startsWith(`${base}/`) ? path : `${base}${path}`;
}

function withQuery(url, query) {
  const pairs = Object.entries(query ?? {}).filter(([, value]) => value !== null && value !== undefined);
  if (pairs.length === 0) return url;
  return `${url}?${new URLSearchParams(pairs.map(([key, value]) => [key, String(value)]))}`;
}

async function readBody(response, as) {
  if (response.status === 204) return null;
  try {
    if (as === 'text') return await response.text();
    if (as === 'blob') return await response.blob();
    return await response.json();
  } catch (error) {
    // the body broke off (the network went) or is not JSON: nothing was understood
    if (error instanceof SyntaxError) throw new ApiError('server', response.status, 'the answer is not JSON');
    throw new ApiError('offline', 0, 'the answer was cut off');
  }
}

export function createApi({ getToken, getLanguage, fetch: fetchFn = globalThis.fetch?.bind(globalThis), base = API_BASE,
  timeoutMs = TIMEOUT_MS } = {}) {
  async function request(method, path, options = {}) {
    const { body, query, as = 'json' } = options;
    const headers = { Accept: as === 'json' ? 'application/json' : '*/*' };
    const [token, lang] = await Promise.all([getToken?.(), getLanguage?.()]);
    headers['Accept-Language'] = lang || 'vi'; // the server's error messages, Vietnamese first
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? timeoutMs);
    let response;
    try {
      response = await fetchFn(withQuery(urlFor(base, path, options.asGiven), query), {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal, credentials: 'omit', cache: 'no-store',
      });
      if (!response.ok) throw await errorFrom(response);
      return await readBody(response, as);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const timedOut = controller.signal.aborted;
      throw new ApiError('offline', 0, timedOut ? 'timed out' : 'no network');
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    request,
    get: (path, options) => request('GET', path, options),
    post: (path, body, options) => request('POST', path, { ...options, body }),
    del: (path, options) => request('DELETE', path, options),
    text: (path, options) => request('GET', path, { ...options, as: 'text' }),
    blob: (path, options) => request('GET', path, { ...options, as: 'blob' }),
  };
}
