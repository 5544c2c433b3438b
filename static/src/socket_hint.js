// With DEBUG on: a page whose socket never opened, and that has no HTTP transport to fall back
// on (the URLconf does not include live_views.urls), says why in the console. Otherwise it sits
// at "disconnected" without a word: the server does not speak websockets on this route (Django's
// runserver without daphne, uvicorn without its websocket library, an asgi.py without the
// route), and the browser gives no reason for a refused handshake.
const ROOT = "[data-live-root]:not([data-live-http])";
let opened = false;
let said = false;

document.addEventListener("htmx:ws:after:connection", () => (opened = true));
// This script is deferred apart from the main one: the socket may have opened before it ran.
if (document.querySelector('[data-live-root][data-live-state="connected"]')) opened = true;

document.addEventListener("htmx:ws:close", (evt) => {
  const root = evt.target;
  if (opened || said || !root.matches?.(ROOT)) return;
  said = true;
  const route = new URL(root.getAttribute("hx-ws:connect"), location.href).pathname;
  console.error(
    `live_views: this page's websocket (${route}) did not open, and the page has no HTTP ` +
      "transport to fall back on, so it is not live. Serve it with an ASGI server that speaks " +
      "websockets (runserver with 'daphne' first in INSTALLED_APPS; uvicorn with " +
      "pip install 'uvicorn[standard]'), with asgi.py routing websockets as the README shows, " +
      'or add path("", include("live_views.urls")) to the URLconf for the HTTP transport.',
  );
});
