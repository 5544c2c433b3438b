// Glue between htmx 4's hx-ws extension and the live_views server (docs/protocol.md).
// hx-ws owns the socket, reconnects and swaps `content`; this file only speaks our frames.
import {
  FRAME,
  GONE,
  SERVER_RETRY,
  closeKind,
  eventFrame,
  joinFrame,
  paramsFrame,
  parseFrame,
  readFrame,
  reloadAllowed,
  swappedIds,
} from "./protocol.js";
import { hideNonces } from "./csp.js";
import { keyListed, keyTrigger } from "./keys.js";
import { loadUploadsIfShown, unsentFiles } from "./lazy_uploads.js";
import { applyEffects, readEffects } from "./effects.js";
import * as hooks from "./hooks_loader.js";
import { push, setSender, settleReply } from "./replies.js";
import { startPolling } from "./polling_loader.js";
import { useHttp } from "./http_loader.js";
import { loadNavigationIfLinked, visit } from "./visit_loader.js";
import { applyPatch, followHistory, joined, pageMoved, pagePathNow } from "./navigation.js";
import { connectionClosed, eventSent, eventStarted, frameArrived, heldBack } from "./loading.js";
import { clientVersion, versionMismatch } from "./version.js";
import { STREAM } from "./streams.js";
import { afterStreamSwaps, prepareStreamTasks, streamsLoaded, waitForStreams } from "./streams_loader.js";

const RELOADED_AT = "live_views:reloaded_at";
let ref = 0;
let connection = null; // hx-ws's connection of the live root, for frames the page sends itself
let everJoined = false; // a page that never joined on its socket goes to HTTP

// What the scripts loaded later (visit.js, hooks.js, polling.js, http.js) use of this glue's
// own state. Events from scripts take their refs from the same count as the page's own.
window.liveViewsGlue = {
  connection: () => connection,
  destroyAll: hooks.destroyAll,
  hasJoined: hooks.hasJoined,
  nextRef: () => ++ref,
  pageMoved,
  pagePathNow,
  push,
  setSender,
  settle: settleReply,
  streamsLoaded,
};
window.liveViews = Object.assign(window.liveViews ?? {}, { navigate: visit });
window.liveViews.hooks ??= {};

// Elements marked data-live-ignore keep what the browser has through every update (a widget's
// own DOM, a third-party editor): htmx's morph skips them.
htmx.config.morphSkip = [htmx.config.morphSkip, "[data-live-ignore]"].filter(Boolean).join(",");
// A stream's items live in the browser only: a morph of the block around it keeps them.
htmx.config.morphSkipChildren = [htmx.config.morphSkipChildren, STREAM].filter(Boolean).join(",");

// hx-ws fires connection, message and close events on the element with hx-ws:connect, which
// {% live_connect %} marks with data-live-root. Other sockets on the page are not ours.
function rootOf(evt) {
  return evt.target.matches?.("[data-live-root]") ? evt.target : null;
}

function emit(root, name, detail) {
  root.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
}

// htmx's morph copies the `checked` and `selected` attributes but not the properties, and once a
// user has clicked a box or picked an option the property alone decides what it shows. In
// swapped blocks the server's state wins (the click has already been sent as an event, and its
// reply re-renders the box; Back re-renders a filter form for the earlier query), except where
// the user changed a box, an option or a radio group after the answered event was sent: the
// server has not seen that change yet (a second box ticked while the first one's validation was
// on its way), and would undo it. `lvRef` is the first event that can carry the change; a push
// answers up to the last reply, since the server takes a page's events and pushes in order.
let answered = 0;
addEventListener(
  "input",
  ({ target }) => {
    for (const el of target.type === "radio" ? document.getElementsByName(target.name) : [target]) el.lvRef = ref + 1;
  },
  true,
);
function syncChoices(blockIds, answers) {
  if (answers > answered) answered = answers;
  for (const id of blockIds) {
    const block = document.getElementById(id);
    if (!block) continue;
    for (const input of block.querySelectorAll("input[type=checkbox],input[type=radio],option")) {
      if (input.closest("[data-live-ignore]") || (input.closest("select") ?? input).lvRef > answered) continue;
      if (input.tagName === "OPTION") input.selected = input.hasAttribute("selected");
      else input.checked = input.hasAttribute("checked");
    }
  }
}

// A page that is navigating away (a logout form's POST, which ends this page's session and so
// closes its socket with 4401) goes where it was going: a reload now would cancel that. One
// whose navigation did not unload it (a download) reloads once it is clearly still here.
let leftAt = NaN;
addEventListener("beforeunload", () => (leftAt = Date.now()));

function reloadOnce() {
  if (Date.now() - leftAt < 1e4) return setTimeout(reloadOnce, 1e4);
  try {
    if (!reloadAllowed(Number(sessionStorage.getItem(RELOADED_AT)), Date.now())) return;
    sessionStorage.setItem(RELOADED_AT, String(Date.now()));
  } catch {
    return; // without storage a reload loop could not be told from a first reload
  }
  location.reload();
}

// A visitor's first session, which an event wrote: the socket cannot set its cookie, the
// session route's answer to this fetch does (same-origin, so the cookie is sent and stored),
// and the page stays as it is. The header is one a page of another site cannot send. A fetch
// that fails (a network blip, a server restarting) is tried once more; the write is then said
// to be lost, since nothing on the page shows it (a reload would show the cart empty).
function takeSession(url, again = 1) {
  fetch(url, { headers: { "X-Live-Session": "1" } })
    .then((response) => response.ok || Promise.reject(response.status))
    .catch((why) =>
      again
        ? setTimeout(takeSession, 1e3, url, 0)
        : console.warn(`live_views: this event's write into the session (a cart, say) is lost (${why}): reload and do it again`),
    );
}

// Fires before hx-ws flushes the messages queued while the socket was closed: join goes first.
htmx.on("htmx:ws:after:connection", (evt) => {
  const root = rootOf(evt);
  if (!root) return;
  const blocks = {};
  for (const block of root.querySelectorAll("[data-lv-v]")) blocks[block.id] = block.dataset.lvV;
  const { socket } = evt.detail.connection;
  // A live component on a page that is not live has a socket of its own; back and forward
  // belong to the page's socket only.
  if (!root.hasAttribute("data-live-standalone")) connection = evt.detail.connection;
  const page = { search: location.search, nonce: root.nonce };
  socket.send(joinFrame(blocks, clientVersion, page));
  const mismatch = versionMismatch(root.dataset.liveVersion);
  if (mismatch) console.warn(mismatch);
  joined();
  // Once per connection the page shows: the HTTP transport joins again after a socket it
  // tried in vain when the page may have changed meanwhile, and it was connected all along.
  // A first join over HTTP has reached no server yet: http.js marks the page once it is answered.
  if (root.dataset.liveState === "connected" || evt.detail.unanswered) return;
  root.dataset.liveState = "connected";
  emit(root, "live:connected");
});

// The key of the last keydown or keyup, heard before any listener of the page: what sends a
// data-live-key element's event (keys.js). hx-ws does not hand the event on, and asks for the
// frame within the same task as the key's listeners (one queued behind a frame that waits, as
// under the latency simulator, may see a later key).
let pressed;
for (const type of ["keydown", "keyup"]) addEventListener(type, (evt) => (pressed = evt.key), true);

htmx.on("htmx:ws:before:message:outgoing", (evt) => {
  if (heldBack(evt.target)) return evt.preventDefault();
  const dataset = evt.target.dataset;
  if (dataset?.liveEvent === undefined) return;
  const { message } = evt.detail;
  // Only on a key event's trigger: on a click's, `pressed` is whatever key the page last
  // heard (the click sent Escape, or nothing), and Phoenix's phx-key ignores a phx-click too.
  if (dataset.liveKey !== undefined && keyTrigger(evt.target)) {
    // Another key is no event; the key sent goes with the form's values, so a handler that
    // has no `key` parameter ignores it, and an explicit `key=` argument of the tag wins, as
    // does a field named `key` (what the user typed there, not "Enter").
    if (!keyListed(dataset.liveKey, pressed)) return evt.preventDefault();
    message.values.key ??= pressed;
  }
  // htmx asks an element's hx-confirm before its requests, hx-ws never before its sends: a
  // delete button with one deleted unasked. Asked first, so a "Cancel" leaves no trace. One
  // with JS commands was asked on its click (commands.js: `lvAsked`), for both.
  const question = !evt.target.lvAsked && evt.target.getAttribute("hx-confirm");
  evt.target.lvAsked = 0;
  if (question && !confirm(question)) return evt.preventDefault();
  try {
    const component = evt.target.closest("[data-live-component]")?.dataset.liveComponent;
    message.data = eventFrame(dataset, message.values, ++ref, component, unsentFiles(evt.target));
    eventStarted(evt, ref);
  } catch (error) {
    evt.preventDefault(); // never let hx-ws send its own frame format to our server
    console.warn("live_views:", error);
  }
});

// A form marked data-live-reset empties once its event is on the wire (e.g. "add a todo"). Not
// a live form: the server validates its submit, and resets it (reset_form()) only when valid.
htmx.on("htmx:ws:after:message:outgoing", (evt) => {
  eventSent(evt.detail.message);
  if (evt.target.matches?.("form[data-live-reset]:not([data-live-form])")) evt.target.reset();
});

followHistory((search) => {
  const socket = connection?.socket;
  if (socket?.readyState === WebSocket.OPEN) return socket.send(paramsFrame(search, ++ref)), ref;
});

// What a frame's swap changes inside hooked elements, for the hooks (hooks.js, syncHooks),
// watched from just before it until it is swapped. Nobody watches otherwise: the page's own
// scripts' changes (and the loading classes, which end right after the swap) are not the
// server's. The swap awaits, so the observer is handed records on the way: it keeps them.
let swapChanges = [];
const swapWatcher = new MutationObserver((records) => (swapChanges = swapChanges.concat(records)));
htmx.on("htmx:before:swap", (evt) => {
  const root = rootOf(evt);
  if (!root) return;
  hideNonces(root, evt.detail.tasks ?? []);
  prepareStreamTasks(evt.detail.tasks ?? []);
  hooks.watchHooked(swapWatcher);
});

// A frame for a page that shows a stream is swapped once the streams' script has run.
htmx.on("htmx:ws:before:message:incoming", (evt) => rootOf(evt) && waitForStreams(evt));

// Fires after hx-ws has swapped the frame's `content`, if any.
htmx.on("htmx:ws:after:message:incoming", (evt) => {
  const root = rootOf(evt);
  if (!root) return;
  const changes = swapChanges.concat(swapWatcher.takeRecords());
  swapWatcher.disconnect();
  swapChanges = [];
  const data = evt.detail.message.data;
  const body = parseFrame(data);
  const answers = Number.isInteger(body?.[FRAME.REF]) ? body[FRAME.REF] : undefined;
  frameArrived(answers);
  const blocks = swappedIds(body?.[FRAME.CONTENT]);
  const frame = readFrame(data, body);
  if (frame.action === "redirect") location.assign(frame.url);
  else if (frame.action === "reload") reloadOnce();
  else if (frame.action === "update") {
    syncChoices(blocks, answers);
    afterStreamSwaps(root);
    applyPatch(frame);
    emit(root, "live:update", { ref: frame.ref, blocks });
  }
  else if (frame.action === "ack") applyPatch(frame);
  else if (frame.action === "error") {
    console.warn("live_views:", frame.error.message, frame.error);
    emit(root, "live:error", frame.error);
  } else if (frame.action === "invalid") console.warn("live_views: ignored frame", data);
  // After the update: hooks follow the swapped blocks, pushEvent() promises settle, and what
  // the server asked for besides HTML (push events, title, focus, scroll, navigate) applies.
  if (!body || typeof body !== "object") return;
  const session = body[FRAME.SESSION];
  if (typeof session === "string") takeSession(session);
  if (body[FRAME.JOINED] === true) {
    hooks.pageJoined(root);
    everJoined = true;
    startPolling(body, push); // with the tick's name only: to the page
  }
  hooks.syncHooks(changes);
  if (answers !== undefined) settleReply(answers, body[FRAME.ERROR], body[FRAME.REPLY]);
  applyEffects(root, readEffects(body), { deliver: hooks.deliver, navigate: visit });
});

htmx.on("htmx:ws:close", (evt) => {
  const root = rootOf(evt);
  if (!root) return;
  connectionClosed(evt.detail);
  hooks.connectionLost(root);
  startPolling();
  const { code } = evt.detail;
  const kind = closeKind(code);
  // A socket refused before the page ever joined, with the HTTP transport to fall back on (a
  // proxy that blocks websockets): the page is still connecting, over HTTP now. Marked
  // disconnected, every load flashed "connection lost" and told its scripts so. (If its join
  // over HTTP gets no answer either, the server is down: http.js marks it then, showAway().)
  const fallback = !everJoined && kind === "disconnected" && root.hasAttribute("data-live-http");
  if (fallback) root.dataset.liveSocketClosed = ""; // http.js takes over at once
  else {
    root.dataset.liveState = kind === "disconnected" ? kind : "refused";
    emit(root, "live:disconnected", { code });
  }
  if (kind === "reload") reloadOnce();
  everJoined || useHttp("[data-live-root]");
});

// A page on TRANSPORT = "http" loads the HTTP transport at once. No refused socket asks for it
// again (none is dialled): a load that failed (its server restarting as it loaded) is tried
// again as http.js asks a server that did not answer (serverRetry, doubling up to 10 s). The
// page shows "disconnected" meanwhile, as one whose first join got no answer does (http.js),
// and joins once the script came and the server answers.
const startOnHttp = (wait) =>
  useHttp("[data-live-transport=http]")?.then((loaded) => {
    if (loaded) return;
    for (const root of document.querySelectorAll("[data-live-transport=http][data-live-state=connecting]")) {
      root.dataset.liveState = "disconnected";
      emit(root, "live:disconnected", { code: GONE });
    }
    setTimeout(startOnHttp, (wait ||= liveViews.serverRetry ?? SERVER_RETRY), Math.min(wait * 2, 1e4));
  });
startOnHttp();

// Parts only some pages use load when a page shows them (lazy_script.js).
function loadWhatThePageUses() {
  loadUploadsIfShown();
  hooks.loadHooksIfShown();
  loadNavigationIfLinked();
  streamsLoaded();
}
loadWhatThePageUses();
// After a live navigation the body is another page's; an update may show new parts, and so may
// an ordinary htmx request's swap (hx-get), on a page that is not live too.
for (const name of ["live:connected", "live:update", "htmx:after:swap"]) htmx.on(name, loadWhatThePageUses);
