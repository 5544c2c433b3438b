// The HTTP transport (docs/http-transport.md), loaded by http_loader.js when the page's socket
// cannot open or the project runs on HTTP only.
//
// It stands in for the socket under hx-ws: the live root's hx-ws connection gets a socket-shaped
// object whose send() posts the frame as an htmx request, and the glue is told the connection
// opened, so it sends its join (over HTTP) and everything it sends afterwards (events, hooks'
// pushEvent, live_every ticks, back/forward) goes the same way, exactly as it would on the
// socket. Replies and pushes are applied by the glue's own socket-message listeners.
//
// Each live root has its own: the page's, or, on a page that is not live, each live component's
// (a root marked data-live-standalone, whose token names the component).
import { FRAME, closeKind } from "./protocol.js";
import { pushRefusal, readEvents, splitReply, unansweredFrame } from "./http_protocol.js";

const CONNECTING = 0;
const OPEN = 1;
const HANDSHAKE_GRACE = 5000;
const CLOSED = 3;

// One live root's transport: its stand-in socket, its frames in order, its push stream.
function transport(root) {
  const forced = root.dataset.liveTransport === "http";
  const connection = () => root._htmx?.ws?.connection;
  let stand = null; // the stand-in socket while the page is on HTTP
  let queue = Promise.resolve(); // one frame at a time, in order: the page is one actor
  let inFlight = 0;
  let retry = 2000; // ms before trying the socket again (doubles to a minute)
  let streamAbort = null;
  let wasOnHttp = false; // the server holds an HTTP page for this root

  function token() {
    return new URL(root.getAttribute("hx-ws:connect"), location.href).searchParams.get("t");
  }

  // The page's CSP nonce, for a server process that mounts the page again (its join carried it
  // to the one before): the scripts in its blocks need it to run. Checked against the token.
  function headers(more) {
    return root.nonce ? { ...more, "X-Live-Nonce": root.nonce } : more;
  }

  function announce(name, detail) {
    root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  }

  // A frame as if the socket had delivered it: hx-ws swaps `content` first, then tells the glue.
  async function deliver(frame, swapped) {
    if (!swapped && typeof frame[FRAME.CONTENT] === "string") {
      let swap = root.getAttribute("hx-swap") || htmx.config.defaultSwap;
      await htmx.swap({ sourceElement: root, target: root, swap: `${swap} swapEmpty:false`, text: frame[FRAME.CONTENT], transition: false });
    }
    announce("htmx:ws:after:message:incoming", { message: { data: JSON.stringify(frame) } });
  }

  // One frame as an htmx request (Django's CSRF check applies: X-CSRFToken); its reply's blocks
  // are swapped out of band by htmx, and the rest of its frame is delivered as a socket message.
  function post(data) {
    inFlight++;
    queue = queue.then(async () => {
      let body = null;
      let status = 0;
      let failed = false;
      const capture = async (url, request) => {
        try {
          const response = await fetch(url, request);
          body = await response.clone().text();
          status = response.status;
          failed = status >= 500 && !body.includes('id="live-frame"');
          return response;
        } catch (error) {
          failed = true;
          throw error;
        }
      };
      try {
        await htmx.ajax("POST", root.dataset.liveHttp, {
          source: root,
          target: root,
          swap: "none",
          // search: what a page mounted again renders (docs/protocol.md, "The HTTP transport").
          values: { token: token(), frame: data, search: location.search },
          headers: headers({ "X-CSRFToken": root.dataset.liveCsrf }),
          fetch: capture,
        });
      } catch (error) {
        failed = true;
      }
      inFlight--;
      const { blocks, frame } = body === null ? {} : splitReply(body);
      if (frame && (status < 400 || Object.keys(frame).length)) {
        deliver(blocks ? { ...frame, [FRAME.CONTENT]: blocks } : frame, true);
      } else {
        // Not our route's answer (Django's CSRF failure page, a proxy's error), or none: said
        // as ours are, for the frame's ref, so its loading state and pushEvent() promise settle.
        const error = unansweredFrame(data, failed ? null : status);
        if (error) deliver(error, true);
      }
      if (failed) lost();
    });
  }

  // The server did not answer (restarting, unreachable): try the socket again, later.
  function lost() {
    if (!stand) return;
    console.warn("live_views: the server did not answer over HTTP; retrying");
    scheduleSocketTry();
  }

  // The page's pushes: server-sent events under ASGI, long-polls under WSGI (the server decides).
  async function readPushes() {
    streamAbort?.abort();
    const abort = (streamAbort = new AbortController());
    const url = `${root.dataset.liveHttp}push/?token=${encodeURIComponent(token())}`;
    let pause = 500;
    while (stand && !abort.signal.aborted) {
      try {
        const response = await fetch(url, { headers: headers({ "HX-Request": "true" }), signal: abort.signal });
        const refused = pushRefusal(response.status);
        if (refused !== null) return refuse(refused);
        if (!response.ok) throw new Error(`push stream answered ${response.status}`);
        if ((response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
          await readStream(response.body);
        } else {
          const { frames } = await response.json();
          for (const frame of frames) await pushed(frame);
        }
        pause = 500;
      } catch (error) {
        if (abort.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 10_000);
      }
    }
  }

  // The server will not push to this page again: it reloads (a login, a fresh token) or stops,
  // as a socket closed with the same code does. Asking again every 10 s would mount the view
  // on each request, for an answer that does not change.
  function refuse(code) {
    if (closeKind(code) === "reload") return location.reload();
    clearTimeout(socketTry);
    dropStand();
    announce("htmx:ws:close", { code }); // the glue marks the page refused, as for a socket
  }

  async function readStream(stream) {
    const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const { data, rest } = readEvents(buffer + value);
      buffer = rest;
      for (const event of data) await pushed(JSON.parse(event));
    }
  }

  // A push waits for the replies to frames already sent: the server rendered it after them (the
  // outcome of live_async() work an event started is often ready before that event's reply
  // arrives), so applied before them it would be overwritten by an older render.
  function pushed(frame) {
    return (queue = queue.then(() => deliver(frame, false)).catch(console.warn));
  }

  // Put the page on HTTP: the stand-in socket, the join (sent by the glue), what hx-ws queued
  // while no socket was open, and the push stream.
  function takeOver(waited = false) {
    let conn = connection();
    if (!root || stand || conn?.socket?.readyState === OPEN) return;
    if (root.dataset.liveState === "refused") return; // the server said no: HTTP would too
    if (conn?.socket?.readyState === CONNECTING && !waited) {
      // A slow server, or a proxy that holds the handshake: the socket gets 5 s more.
      return setTimeout(takeOver, HANDSHAKE_GRACE, true);
    }
    if (!conn) {
      // hx-ws gave its connection up (a close it does not retry): the page gets one of its own,
      // whose frames this script sends (see the outgoing listener below).
      conn = { socket: null, queue: [], sending: Promise.resolve(), own: true };
      root._htmx.ws.connection = conn;
    }
    clearTimeout(conn.timer); // hx-ws's own reconnect: ours is scheduleSocketTry()
    if (conn.socket?.readyState === CONNECTING) conn.socket.close();
    // hx-ws closes it when the tab is hidden, and opens a real socket when the tab shows again.
    stand = { readyState: OPEN, send: post, close: dropStand };
    wasOnHttp = true;
    conn.socket = stand;
    root.dataset.liveTransport = "http";
    announce("htmx:ws:after:connection", { connection: conn }); // the glue joins, over HTTP
    while (conn.queue.length) post(conn.queue.shift().message.data);
    readPushes();
    if (!forced) scheduleSocketTry();
  }

  // Back to the socket when it opens again. Only between frames, so no frame is sent on both
  // (and the socket's join finds the state the last HTTP event saved). hx-ws opens a new socket
  // (its page-visibility handler does that for a closed one); frames sent meanwhile wait in its
  // queue and go on the socket once it joined, or on HTTP again if it fails.
  let socketTry = null;
  function dropStand() {
    if (stand) stand.readyState = CLOSED;
    stand = null;
    streamAbort?.abort();
  }

  function scheduleSocketTry() {
    clearTimeout(socketTry);
    socketTry = setTimeout(async () => {
      while (inFlight) await queue;
      const conn = connection();
      if (!stand || !conn || conn.socket !== stand) return;
      dropStand();
      if (conn.own) {
        // Let hx-ws connect the root again, as it did when the page loaded.
        delete root._htmx.ws.connection;
        root._htmx.ws.initialized = false;
        htmx.process(root);
      } else if (conn.visibilityHandler) conn.visibilityHandler();
      else takeOver();
    }, retry);
    retry = Math.min(retry * 2, 60_000);
  }

  document.addEventListener("htmx:ws:after:connection", (evt) => {
    if (evt.target !== root || evt.detail.connection.socket === stand) return;
    // A real socket opened: the page is on it again.
    root.dataset.liveTransport = "websocket";
    retry = 2000;
    if (wasOnHttp) leave();
  });

  // The server may let go of the page's HTTP side now, not when it idles out (the socket's join
  // does that too, where the socket and the HTTP page share a process). keepalive: the request
  // outlives a page that is going away.
  function leave() {
    wasOnHttp = false;
    const headers = { "HX-Request": "true", "X-CSRFToken": root.dataset.liveCsrf };
    const body = new URLSearchParams({ token: token() });
    const request = { method: "POST", headers, body, keepalive: true };
    fetch(`${root.dataset.liveHttp}leave/`, request).catch(() => {});
  }

  // A page closed, reloaded or left gives its place under MAX_CONNECTIONS_PER_SESSION back now:
  // held until it idled out (90 s), a visitor going through more live pages than that allows
  // had the next ones refused. One kept in the back/forward cache may come back: it idles out.
  addEventListener("pagehide", (evt) => {
    if (wasOnHttp && !evt.persisted) leave();
  });

  // Elements' frames on a connection hx-ws does not know: the glue has written the frame.
  document.addEventListener("htmx:ws:before:message:outgoing", (evt) => {
    const { connection: conn, message } = evt.detail;
    if (!conn?.own || conn !== connection() || evt.defaultPrevented) return;
    evt.preventDefault();
    if (conn.socket !== stand) return conn.queue.push({ message }); // until takeOver() runs
    post(message.data);
    evt.target.dispatchEvent(new CustomEvent("htmx:ws:after:message:outgoing", { bubbles: true, detail: { message } }));
  });

  document.addEventListener("htmx:ws:close", (evt) => {
    if (evt.target !== root || stand || closeKind(evt.detail.code) !== "disconnected") return;
    setTimeout(takeOver); // after hx-ws scheduled its reconnect, which takeOver() cancels
  });

  // On TRANSPORT = "http" hx-ws never dials (the root's hx-trigger names an event nobody sends).
  // Otherwise: hx-ws has a connection, or had one and gave it up; else it has not started yet.
  function start() {
    if (forced || connection() || root.dataset.liveState !== "connecting") takeOver();
    else document.addEventListener("htmx:ws:before:connection", started);
  }
  function started(evt) {
    if (evt.target !== root) return; // another root's socket (live components on a plain page)
    document.removeEventListener("htmx:ws:before:connection", started);
    setTimeout(takeOver);
  }
  // After htmx has processed the page (it runs on DOMContentLoaded, before this listener).
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => setTimeout(start));
  else start();
}

for (const root of document.querySelectorAll("[data-live-root][data-live-http]")) transport(root);
