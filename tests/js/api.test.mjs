// The API client (server/mobile/static/api.js) against a real local HTTP server (node:http):
// the token and language it sends, and how it sorts failures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import { ApiError, createApi, isAuthError, isOfflineError } from '../../server/mobile/static/api.js';

let server;
let origin;
const seen = [];

function json(response, status, body) {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}

const ROUTES = {
  'GET /api/v1/me': (req, res) => json(res, 200, { username: 'ctv1' }),
  'POST /api/v1/sync': (req, res, body) => json(res, 200, { echo: JSON.parse(body) }),
  'GET /api/v1/sync/changes': (req, res) => json(res, 200, { url: req.url }),
  'DELETE /api/v1/session': (req, res) => { res.writeHead(204); res.end(); },
  'GET /api/v1/forms/f1/xml': (req, res) => { res.writeHead(200, { 'Content-Type': 'text/xml' }); res.end('<h:html/>'); },
  'GET /api/v1/expired': (req, res) => json(res, 401, { error: { code: '401.2', status: 401, message: 'Phiên đã hết hạn' } }),
  'GET /api/v1/revoked': (req, res) => json(res, 403, { error: { code: '403.1', status: 403, message: 'Thiết bị đã bị thu hồi' } }),
  'GET /api/v1/not-mine': (req, res) => json(res, 403, { error: { code: '403.2', status: 403, message: 'Biểu mẫu không dành cho thiết bị này' } }),
  'GET /api/v1/forbidden': (req, res) => json(res, 403, { error: { code: '403.150', status: 403, message: 'Chỉ dành cho cộng tác viên' } }),
  'POST /api/v1/bad': (req, res) => json(res, 422, { error: { code: '422.1', status: 422, message: 'Dữ liệu không hợp lệ', errors: { json: { submissions: ['Missing'] } } } }),
  'GET /api/v1/broken': (req, res) => { res.writeHead(502, { 'Content-Type': 'text/html' }); res.end('<html>Bad gateway</html>'); },
  'GET /api/v1/busy': (req, res) => json(res, 429, { error: { code: '429.1', status: 429, message: 'Thử lại sau' } }),
  'GET /api/v1/garbled': (req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"half'); },
  'GET /api/v1/slow': () => { /* never answers */ },
};

before(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const route = ROUTES[`${req.method} ${req.url.split('?')[0]}`];
      if (route) route(req, res, body);
      else json(res, 404, { error: { code: '404.1', status: 404, message: 'not found' } });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${server.address().port}`;
});

after(() => { server.closeAllConnections(); server.close(); });

const api = (options = {}) => createApi({ base: `${origin}/api/v1`, getToken: async () => 'tok-123', ...options });

async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return error;
  }
  assert.fail('no error');
}

test('a call carries the bearer token, Vietnamese by default, and reads JSON', async () => {
  assert.deepEqual(await api().get('/me'), { username: 'ctv1' });
  const request = seen.at(-1);
  assert.equal(request.headers.authorization, 'Bearer tok-123');
  assert.equal(request.headers['accept-language'], 'vi');
  await api({ getLanguage: () => 'en', getToken: () => null }).get('/me');
  assert.equal(seen.at(-1).headers['accept-language'], 'en');
  assert.equal(seen.at(-1).headers.authorization, undefined);
});

test('post sends JSON; query values are encoded, null ones left out; 204 is null', async () => {
  const body = { submissions: [{ client_id: 'uuid:a', xml: '<d>Nguyễn</d>', attachments: {} }] };
  assert.deepEqual(await api().post('/sync', body), { echo: body });
  assert.equal(seen.at(-1).headers['content-type'], 'application/json');
  assert.deepEqual(await api().get('/sync/changes', { query: { cursor: 'a.b-c', other: null } }),
    { url: '/api/v1/sync/changes?cursor=a.b-c' });
  assert.deepEqual(await api().get('/sync/changes', { query: { cursor: null } }), { url: '/api/v1/sync/changes' });
  assert.equal(await api().del('/session'), null);
});

test('a URL the server gave is used as it is', async () => {
  assert.equal(await api().text(`${origin}/api/v1/forms/f1/xml`), '<h:html/>');
  const local = createApi({ fetch: (url, init) => fetch(`${origin}${url}`, init), getToken: () => 't' });
  assert.equal(await local.text('/api/v1/forms/f1/xml'), '<h:html/>');
  assert.equal(seen.at(-1).url, '/api/v1/forms/f1/xml');
});

test('401 and 403.150 are "auth" errors with the server message', async () => {
  const expired = await failure(api().get('/expired'));
  assert.deepEqual([expired.kind, expired.status, expired.code, expired.message],
    ['auth', 401, '401.2', 'Phiên đã hết hạn']);
  assert.ok(isAuthError(expired));
  const forbidden = await failure(api().get('/forbidden'));
  assert.deepEqual([forbidden.kind, forbidden.status, forbidden.code], ['auth', 403, '403.150']);
});

test('a revoked device (403.1) is "auth"; another 403 (403.2, one form) is "client", not a lost sign-in', async () => {
  const revoked = await failure(api().get('/revoked'));
  assert.deepEqual([revoked.kind, revoked.status, revoked.code], ['auth', 403, '403.1']);
  const notMine = await failure(api().get('/not-mine'));
  assert.deepEqual([notMine.kind, notMine.status, notMine.code, notMine.message],
    ['client', 403, '403.2', 'Biểu mẫu không dành cho thiết bị này']);
  assert.ok(!isAuthError(notMine));
});

test('another 4xx is a "client" error with the message and the field errors', async () => {
  const bad = await failure(api().post('/bad', {}));
  assert.deepEqual([bad.kind, bad.status, bad.code, bad.message], ['client', 422, '422.1', 'Dữ liệu không hợp lệ']);
  assert.deepEqual(bad.errors, { json: { submissions: ['Missing'] } });
  const missing = await failure(api().get('/nothing-here'));
  assert.deepEqual([missing.kind, missing.status], ['client', 404]);
});

test('5xx, 429 and an answer that is not JSON are "server" errors: try again later', async () => {
  const broken = await failure(api().get('/broken'));
  assert.deepEqual([broken.kind, broken.status, broken.message], ['server', 502, 'HTTP 502']);
  const busy = await failure(api().get('/busy'));
  assert.deepEqual([busy.kind, busy.status], ['server', 429]);
  const garbled = await failure(api().get('/garbled'));
  assert.deepEqual([garbled.kind, garbled.status], ['server', 200]);
});

test('a timeout and a refused connection are "offline"', async () => {
  const slow = await failure(api({ timeoutMs: 150 }).get('/slow'));
  assert.deepEqual([slow.kind, slow.status, slow.message], ['offline', 0, 'timed out']);
  assert.ok(isOfflineError(slow));
  const closed = http.createServer();
  await new Promise((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address();
  await new Promise((resolve) => closed.close(resolve));
  const refused = await failure(createApi({ base: `http://127.0.0.1:${port}/api/v1` }).get('/me'));
  assert.deepEqual([refused.kind, refused.message], ['offline', 'no network']);
});
