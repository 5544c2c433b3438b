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
import { FRAME, GONE, SERVER_RETRY, closeKind } from "./protocol.js";
import { frameRefusal, fromOurRoute, joinRefusal, pushRefusal, readEvents, splitReply, unansweredFrame } from "./http_protocol.js";

const CONNECTING = 0;
const OPEN = 1;
const HANDSHAKE_GRACE = 5000;
const CLOSED = 3;
const PROBE_TIMEOUT = 10_000;
// A tab hidden this long lets go of its server page: as long as the server keeps a page whose
// tab went quiet (IDLE_AFTER), so no hidden tab holds more.
const HIDDEN_HOLD = 90_000;
const SOCKET_RETRY = 2000; // ms before the socket is tried again (doubles to a minute)

// The times above and SERVER_RETRY (protocol.js, which the glue reads too), as a script of the
// page may set them (liveViews.hiddenHold, socketRetry, serverRetry:
// docs/howto/http-transport.md); read as each is used.
const timing = (name, fallback) => window.liveViews?.[name] ?? fallback;

// A page that shows a stream swaps a frame once the streams' script has run, as the glue has a
// socket's frame wait for it (streams_loader.js).
const streamsLoaded = () => window.liveViewsGlue.streamsLoaded();

// One live root's transport: its stand-in socket, its frames in order, its push stream.
function transport(root) {
  const forced = root.dataset.liveTransport === "http";
  const connection = () => root._htmx?.ws?.connection;
  let stand = null; // the stand-in socket while the page is on HTTP
  let queue = Promise.resolve(); // one frame at a time, in order: the page is one actor
  let inFlight = 0; // frames in the queue, until they settled
  let retry = timing("socketRetry", SOCKET_RETRY);
  let streamAbort = null;
  let wasOnHttp = false; // the server holds an HTTP page for this root
  // The server did not answer (a frame, the push stream): the page shows "disconnected", as for
  // a socket that dropped, and joins again once the server answers (rejoin()).
  let away = false;
  let trying = false; // the socket is being tried again from a page live on HTTP
  // While it is, the page shows "connected" and its connection's socket is the one opening:
  // what a script sends meanwhile (a hook's pushEvent, a live_every tick) waits for root.lvTry,
  // settled once the try is over, and goes on the socket that joined or on HTTP again
  // (script_events.js). Sent on the opening socket, it failed "not connected".
  let tryOver = null;
  function endTry() {
    root.lvTry = null;
    tryOver?.();
    tryOver = null;
  }
  // A socket tried in vain leaves the page as it was: it goes on over HTTP without joining
  // again, unless what it shows may have changed meanwhile (the htmx:ws:close listener).
  let triedAt = null; // the address bar's query as the try began
  let missed = false; // the push stream lost the server during the try (restarted?)
  let announced = null; // the connection the glue was last told of
  // The page's joins over HTTP so far, on each of its requests: the server mounts the page again
  // for none sent before its last leave (a push stream's renewal, a closing tab's last frame,
  // answered after it), which held its place until it idled out.
  let joins = 0;

  function pushUrl() {
    return `${root.dataset.liveHttp}push/?token=${encodeURIComponent(token())}`;
  }

  function token() {
    return new URL(root.getAttribute("hx-ws:connect"), location.href).searchParams.get("t");
  }

  // The page's CSP nonce, for a server process that mounts the page again (its join carried it
  // to the one before): the scripts in its blocks need it to run. Checked against the token.
  function headers(more) {
    more = { ...more, "X-Live-Join": joins };
    return root.nonce ? { ...more, "X-Live-Nonce": root.nonce } : more;
  }

  const refused = () => root.dataset.liveState === "refused";
  // No join of the page was answered yet, over HTTP or on a socket (the glue's hooks know).
  const neverJoined = () => window.liveViewsGlue.hasJoined(root) === undefined;

  function announce(name, detail) {
    root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  }

  // A frame as if the socket had delivered it: hx-ws swaps `content` first, then tells the glue.
  async function deliver(frame, swapped) {
    if (!swapped && typeof frame[FRAME.CONTENT] === "string") {
      await streamsLoaded();
      let swap = root.getAttribute("hx-swap") || htmx.config.defaultSwap;
      await htmx.swap({ sourceElement: root, target: root, swap: `${swap} swapEmpty:false`, text: frame[FRAME.CONTENT], transition: false });
    }
    announce("htmx:ws:after:message:incoming", { message: { data: JSON.stringify(frame) } });
  }

  // `work` in the page's turn, after the frames before it; what it returns, once it settled.
  function inTurn(work) {
    inFlight++;
    return (queue = queue.then(work).catch(console.warn).finally(() => inFlight--));
  }

  // One frame, in its turn. While the server is away the page joins again first, as a socket
  // that reconnects does; a frame the server is still away for is not sent, and settles as one
  // it did not answer. Once the server refused the page nothing is sent: the glue settled what
  // waited on that close.
  function post(data) {
    inTurn(async () => {
      if (refused()) return;
      if (!away || (await rejoin())) return exchange(data);
      const error = unansweredFrame(data, null);
      if (error && !refused()) deliver(error, true);
    });
  }

  // The frame as an htmx request (Django's CSRF check applies: X-CSRFToken); its reply's blocks
  // are swapped out of band by htmx, and the rest of its frame is delivered as a socket message.
  async function exchange(data) {
    await streamsLoaded(); // its reply's blocks are swapped as it comes
    let body = null;
    let status = 0;
    let failed = false;
    const capture = async (url, request) => {
      try {
        const response = await fetch(url, request);
        // A handler renewed the CSRF secret (login(), rotate_token()): this answer set the
        // cookie, and the page's next frames send the token that goes with it.
        const csrf = response.headers.get("X-Live-Csrf");
        if (csrf) root.dataset.liveCsrf = csrf;
        body = await response.clone().text();
        status = response.status;
        failed = status >= 500 && !fromOurRoute(body);
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
    // Refused meanwhile (its push stream): a socket closed so hears nothing more. A join's
    // answer mounted the hooks, and started the live_every ticks, of a page that is not live.
    if (refused()) return;
    // The page's first join answered by another than our route (Django's CSRF check: no cookie,
    // an untrusted origin) refuses the page: shown "connected", each of its events got that
    // answer too (http_403). Its first, whether sent as it loaded or once the server came back
    // (rejoin(): a transport script that failed to load at first, a server down as it joined).
    const first = neverJoined();
    const joinRefused = first ? joinRefusal(status, body) : null;
    if (joinRefused) return console.warn(joinRefused.message), refuse(joinRefused.code);
    const { blocks, frame } = body === null ? {} : splitReply(body);
    // The server refused the page (a join over MAX_CONNECTIONS_PER_SESSION: refused_4429), as
    // the socket's close with that code would; a frame's own error (rate_limited) does not.
    const refusal = frameRefusal(status, frame);
    // A page's first join over HTTP: it is connected once the server answered it, not as it is
    // sent (a server down as the page loaded flashed "connected"). Before the answer is applied,
    // as a socket's page is before its join's.
    if (!failed && refusal === null && first && root.dataset.liveState !== "connected") {
      root.dataset.liveState = "connected";
      announce("live:connected");
    }
    if (frame && (status < 400 || Object.keys(frame).length)) {
      deliver(blocks ? { ...frame, [FRAME.CONTENT]: blocks } : frame, true);
      if (refusal !== null) refuse(refusal);
    } else {
      // Not our route's answer (Django's CSRF failure page, a proxy's error), or none: said
      // as ours are, for the frame's ref, so its loading state and pushEvent() promise settle.
      const error = unansweredFrame(data, failed ? null : status);
      if (error) deliver(error, true);
    }
    if (failed) unreachable();
  }

  // The server did not answer (stopped, restarting, unreachable, a proxy's 5xx). The page shows
  // "disconnected" (the glue tells the hooks, once) after the frames on their way settled: each
  // as no_reply, its own answer, not as what a close settles ("connection lost").
  function unreachable() {
    if (!stand && trying) missed = true; // the page's push stream, while the socket is tried
    if (away || !stand) return;
    away = true;
    clearTimeout(socketTry); // a socket is tried again once the server answers
    console.warn("live_views: the server did not answer over HTTP; retrying");
    showAway();
  }

  async function showAway() {
    const shown = stand;
    while (inFlight) await queue;
    if (!away || stand !== shown) return;
    announce("htmx:ws:close", { code: GONE });
    // A page that never joined: the glue took the close for a socket refused before the first
    // join (the fallback to HTTP, said to no one) and left it as it was. Its join over HTTP got
    // no answer either: the server is down, not a proxy that blocks websockets.
    if (root.dataset.liveState === "disconnected") return;
    root.dataset.liveState = "disconnected";
    announce("live:disconnected", { code: GONE });
  }

  // In the page's turn, while the server is away: is it back? The push route answers at once
  // (wait=0); what waited for the page is applied, then the glue hears the page is connected
  // again and joins (the hooks' reconnected()). That join, and anything sent as the glue hears
  // it, goes now, before the frames that wait. False while the server does not answer.
  async function rejoin() {
    if (!away) return true;
    let frames = [];
    try {
      // Answered at once when the server is there: a server that holds it is not back.
      const request = { headers: headers({ "HX-Request": "true" }), signal: AbortSignal.timeout(PROBE_TIMEOUT) };
      const response = await fetch(`${pushUrl()}&wait=0`, request);
      const refusal = pushRefusal(response.status);
      if (refusal !== null) return refuse(refusal), false;
      if (response.status >= 500) return false;
      // Else it is back; a 429 (the session's pages are over MAX_CONNECTIONS_PER_SESSION) is
      // the join's to say, as a socket's close after it opened.
      if (response.ok) ({ frames } = await response.json());
    } catch {
      return false;
    }
    const socket = stand;
    if (!socket) return false;
    for (const frame of frames) await deliver(frame, false);
    away = false;
    retry = timing("socketRetry", SOCKET_RETRY);
    if (!forced) scheduleSocketTry();
    const sent = [];
    socket.send = (data) => sent.push(data);
    joins++;
    // A page that never joined is marked connected by exchange(), once its join is answered.
    announce("htmx:ws:after:connection", { connection: connection(), unanswered: neverJoined() });
    socket.send = post;
    for (const data of sent) if (!refused()) await exchange(data);
    return !away && stand === socket; // not gone again, nor refused, as it joined
  }

  // The page's pushes: server-sent events under ASGI, long-polls under WSGI (the server decides).
  // They go on while the socket is tried again (the page is the server's HTTP page until the
  // socket joins): an aborted long-poll went on waiting on a WSGI server, and took the next
  // frames to no one.
  async function readPushes() {
    if (streamAbort && !streamAbort.signal.aborted) return; // still reading
    const abort = (streamAbort = new AbortController());
    let pause = timing("serverRetry", SERVER_RETRY);
    while ((stand || trying) && !abort.signal.aborted) {
      let gone = false; // no answer, or a 5xx: the server is away
      try {
        // While the server is away, its pushes wait until the page joined again.
        if (away && !(await inTurn(rejoin))) throw new Error("the server is away");
        gone = true;
        const response = await fetch(pushUrl(), { headers: headers({ "HX-Request": "true" }), signal: abort.signal });
        const refusal = pushRefusal(response.status);
        if (refusal !== null) return refuse(refusal);
        // 429: the page's previous stream is still closing; the server is there.
        gone = response.status >= 500;
        if (!response.ok) throw new Error(`push stream answered ${response.status}`);
        gone = true; // a stream cut short: the server went away
        if ((response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
          await readStream(response.body);
        } else {
          const { frames } = await response.json();
          for (const frame of frames) await pushed(frame);
        }
        pause = timing("serverRetry", SERVER_RETRY);
        continue;
      } catch {
        if (abort.signal.aborted) return;
      }
      if (gone) unreachable();
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 10_000);
    }
    if (streamAbort === abort) abort.abort(); // over: the next readPushes() reads again
  }

  // The server refused the page (a push request's answer, a frame's refused_44xx): it reloads (a
  // login, a fresh token) or stops, as a socket closed with the same code does. Asking again
  // every 10 s would mount the view on each request, for an answer that does not change.
  // A code that reloads (401, 410) is the glue's to reload: once, as for a socket (a proxy that
  // answered every join 401 reloaded the page in a loop).
  function refuse(code) {
    endTry();
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
      // The stream is alive, though a frame got no answer: the server is there.
      if (away) inTurn(rejoin);
      for (const event of data) await pushed(JSON.parse(event));
    }
  }

  // A push waits for the replies to frames already sent: the server rendered it after them (the
  // outcome of live_async() work an event started is often ready before that event's reply
  // arrives), so applied before them it would be overwritten by an older render.
  function pushed(frame) {
    return (queue = queue.then(() => deliver(frame, false)).catch(console.warn));
  }

  // Put the page on HTTP: the stand-in socket, the join (sent by the glue; not after a socket
  // tried in vain, `resumed`), what hx-ws queued while no socket was open (`waiting`: the queue
  // of a connection it gave up), and the push stream.
  function takeOver(waited = false, resumed = false, waiting = []) {
    let conn = connection();
    if (pageGone || stand || conn?.socket?.readyState === OPEN || root.dataset.liveState === "refused") {
      return endTry(); // the server said no (refused): HTTP would too
    }
    if (conn?.socket?.readyState === CONNECTING && !waited) {
      // A slow server, or a proxy that holds the handshake: the socket gets 5 s more.
      return setTimeout(takeOver, HANDSHAKE_GRACE, true, resumed, waiting);
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
    stand = { readyState: OPEN, send: post, close: closeStand };
    wasOnHttp = true;
    trying = false;
    conn.socket = stand;
    root.dataset.liveTransport = "http";
    // The glue joins, over HTTP; on a page that shows the server away (its socket dropped), once
    // the server answers (rejoin()).
    away = root.dataset.liveState === "disconnected";
    // A page that goes on after a socket tried in vain does not join again: its server page
    // is as it was (no socket joined, its push stream read on), and so is the page.
    if (!away && !resumed) {
      joins++;
      // The glue leaves a page it did not show connected to exchange() (its first join).
      const unanswered = root.dataset.liveState === "connecting";
      announce("htmx:ws:after:connection", { connection: conn, unanswered });
    } else if (resumed && announced && announced !== conn) {
      // hx-ws made a new connection for the try: the glue's own frames (hooks' pushEvent,
      // live_every ticks, back/forward) go on the one it was told of.
      announced.socket = stand;
    }
    conn.queue.unshift(...waiting);
    while (conn.queue.length) sendQueued(conn.queue.shift());
    readPushes();
    endTry(); // after the join and what hx-ws queued: what scripts sent meanwhile goes next
    if (!forced && !away) scheduleSocketTry();
    // A tab opened in the background (a middle-click) hears no visibilitychange until it shows,
    // and hx-ws closes no socket still opening as the tab hides (a try's): the hold starts now.
    if (document.hidden) hold(() => inTurn(letGo));
  }

  // Back to the socket when it opens again. Only between frames, so no frame is sent on both
  // (and the socket's join finds the state the last HTTP event saved). hx-ws opens a new socket
  // (its page-visibility handler does that for a closed one); frames sent meanwhile wait in its
  // queue and go on the socket once it joined, or on HTTP again if it fails.
  let socketTry = null;
  function dropStand(keepPushes = false) {
    if (stand) stand.readyState = CLOSED;
    stand = null;
    if (!keepPushes) streamAbort?.abort();
  }

  function beginTry() {
    trying = true; // first: the push stream reads on while the socket is tried
    root.lvTry ??= new Promise((resolve) => (tryOver = resolve));
    triedAt = location.search;
    missed = false;
    dropStand(true);
  }

  // Closed by hx-ws as the tab is hidden: the real socket it opens as the tab shows again is a
  // try like scheduleSocketTry()'s, and the push stream reads on meanwhile. Unmarked, that
  // try's failure showed the page "disconnected" and made it join again.
  function closeStand() {
    if (!document.hidden) return dropStand();
    beginTry();
    hold(letGo);
  }

  // Still hidden: its place under MAX_CONNECTIONS_PER_SESSION and its renders of each broadcast
  // are given back, as hx-ws's closed socket gives them at once. Shown again, the page joins
  // (`missed`: the server no longer holds what it shows): on an hx-ws connection through the
  // socket hx-ws opens then, a try (`trying`: unflashed), unless that socket opens; on one of
  // our own through takeOver() (hiddenChanged()), which then sends what the page queued.
  let hiding = null;
  function hold(then) {
    clearTimeout(hiding);
    hiding = setTimeout(then, timing("hiddenHold", HIDDEN_HOLD));
  }
  function letGo() {
    if (!document.hidden || !wasOnHttp || !(stand || trying)) return;
    missed = true;
    trying = !connection()?.own;
    endTry(); // let go: what scripts sent meanwhile fails "not connected", as on a closed socket
    dropStand(); // its push stream too: one read on would mount the page again
    leave();
  }

  // On a connection of our own (TRANSPORT = "http", or one hx-ws gave up: a socket closed with
  // 1000) nothing closes the stand-in socket as the tab is hidden: past the same hold the page
  // lets go all the same, after the frames on their way, and stays "connected" throughout.
  function hiddenChanged() {
    if (!connection()?.own) return; // hx-ws's: closeStand()
    clearTimeout(hiding);
    if (!document.hidden) return takeOver(); // nothing to do while it has its stand
    if (stand) hold(() => inTurn(letGo));
  }
  document.addEventListener("visibilitychange", hiddenChanged);

  function scheduleSocketTry() {
    clearTimeout(socketTry);
    socketTry = setTimeout(async () => {
      while (inFlight) await queue;
      const conn = connection();
      if (away || !stand || !conn || conn.socket !== stand) return;
      beginTry();
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
    if (evt.target !== root) return;
    announced = evt.detail.connection;
    if (announced.socket === stand) return;
    // A real socket opened: the page is on it again, and hears its pushes there.
    root.dataset.liveTransport = "websocket";
    retry = timing("socketRetry", SOCKET_RETRY);
    trying = false;
    endTry(); // after the glue's join (its listener came first)
    streamAbort?.abort();
    if (wasOnHttp) leave();
  });

  // The server may let go of the page's HTTP side now, not when it idles out (the socket's join
  // does that too, where the socket and the HTTP page share a process). keepalive: the request
  // outlives a page that is going away.
  function leave() {
    wasOnHttp = false;
    const body = new URLSearchParams({ token: token() });
    const request = { method: "POST", headers: headers({ "HX-Request": "true", "X-CSRFToken": root.dataset.liveCsrf }), body, keepalive: true };
    fetch(`${root.dataset.liveHttp}leave/`, request).catch(() => {});
  }

  // A page closed, reloaded or left gives its place under MAX_CONNECTIONS_PER_SESSION back now:
  // held until it idled out (90 s), a visitor going through more live pages than that allows
  // had the next ones refused. One kept in the back/forward cache may come back: it idles out.
  // Nothing reads or joins after that: the server ends the push stream as it lets the page go,
  // and a tab closing, not gone yet, read it again (or took over again on its visibilitychange),
  // which mounted the page again, held until it idled out.
  let pageGone = false;
  addEventListener("pagehide", (evt) => {
    if (evt.persisted) return;
    pageGone = true;
    trying = false;
    endTry();
    dropStand();
    if (wasOnHttp) leave();
  });

  // Elements' frames on a connection hx-ws does not know: the glue has written the frame.
  document.addEventListener("htmx:ws:before:message:outgoing", (evt) => {
    const { connection: conn, message } = evt.detail;
    if (!conn?.own || conn !== connection() || evt.defaultPrevented) return;
    evt.preventDefault();
    const queued = { element: evt.target, message };
    if (conn.socket !== stand) return conn.queue.push(queued); // until takeOver() runs
    sendQueued(queued);
  });

  // A refused page sends nothing, as one whose socket was refused (hx-ws drops that connection,
  // and no element's event starts): the glue showed each click's element busy for good, its
  // frame queued for a stand-in socket that never comes back. Captured, before the glue hears it.
  document.addEventListener(
    "htmx:ws:before:message:outgoing",
    (evt) => {
      if (!refused() || evt.detail.connection !== connection()) return;
      evt.preventDefault();
      evt.stopImmediatePropagation();
    },
    true,
  );

  // A frame as hx-ws sends one on a socket: its sender then hears it went, which is when the
  // glue empties a data-live-reset form (one that waited for a socket tried in vain kept its text).
  function sendQueued({ element, message }) {
    post(message.data);
    element.dispatchEvent(new CustomEvent("htmx:ws:after:message:outgoing", { bubbles: true, detail: { message } }));
  }

  // Captured, before the glue hears it: a socket tried again from a page live on HTTP that did
  // not open changes nothing the page shows (its state, its hooks). It stays on HTTP.
  document.addEventListener(
    "htmx:ws:close",
    (evt) => {
      if (evt.target !== root || stand) return;
      const tried = trying;
      trying = false;
      if (closeKind(evt.detail.code) !== "disconnected") return endTry(); // refused, say
      if (tried) evt.stopImmediatePropagation();
      // After hx-ws scheduled its reconnect, which takeOver() cancels. The page joins again if
      // the server may not hold what it shows: its push stream lost the server meanwhile (a
      // restart mounts the page afresh), or Back or Forward went to another query (whose
      // params frame waits for the next connection's join: navigation.js).
      const resumed = tried && !missed && location.search === triedAt;
      // hx-ws empties the queue of a connection it gives up (a close it does not retry, 1000)
      // once this event is over: what the page sent during the try (a click) goes on HTTP all
      // the same. Else the glue heard the close, and settled those frames as not sent.
      const waiting = (tried && evt.detail.connection?.queue.splice(0)) || [];
      // Before any other task: between hx-ws giving its connection up and this, the page had
      // none, and a click then was lost ("Connection not open").
      queueMicrotask(() => takeOver(false, resumed, waiting));
    },
    true,
  );

  // On TRANSPORT = "http" hx-ws never dials (the root's hx-trigger names an event nobody sends).
  // Otherwise: hx-ws has a connection, or had one and gave it up; else it has not started yet.
  function start() {
    const closed = root.dataset.liveSocketClosed !== undefined; // before it ever joined
    if (forced || closed || connection() || root.dataset.liveState !== "connecting") takeOver();
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
