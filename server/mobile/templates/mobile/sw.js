// The service worker of /m/ (rendered by server/mobile/views.py: service_worker). It keeps the
// app shell, the app's files and the vendor modules of the import map in one cache named by a
// hash of their content, so the app starts with no network; a deploy that changes any file is
// a new worker, which waits until the app tells it to take over ("new version — reload").
// It never answers /api/ (the app keeps its data in IndexedDB, the server marks them no-store).
"use strict";
const VERSION = "{{ version }}";
const CACHE = "sangloc-m-" + VERSION;
const SHELL = {{ shell|safe }};
const ASSETS = {{ assets|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(ASSETS.map(function (url) { return new Request(url, { cache: "reload" }); }));
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("sangloc-m-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data === "skip-waiting") {
    self.skipWaiting();
  }
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin ||
      url.pathname.indexOf("/api/") === 0) {
    return;  // the network's answer, never cached
  }
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(caches.match(SHELL, { cacheName: CACHE }).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE, ignoreSearch: true })
    .then(function (hit) { return hit || fetch(request); }));
});
