// Navigation between live pages (README "Navigation between live pages"): live_navigate() or a
// link with data-live-navigate fetches the page over HTTP (its view's access checks run as for
// any GET), adds a history entry, swaps in its title, <html> lang and dir, and <body>, and hx-ws
// opens the new page's own socket (its token names its view). A page that is not live, an error,
// another origin or a page under a nonce CSP loads the ordinary way.
// Shipped as live_views.navigate.min.js, loaded by the glue (visit_loader.js) for a page with
// live links or a first live_navigate(); it uses the glue's own hooks and history, which the
// glue hands over in window.liveViewsGlue: this script shares no module state with it.

import { FRAME } from "./protocol.js";

const rootOf = () => document.querySelector("[data-live-root]");

// Whether `url` may be visited in place: same origin, a live page now, no CSP nonce (the new
// page's scripts and blocks carry its own nonce, which this document's CSP does not allow), not
// on the HTTP transport (http.js serves the page it loaded with: the next one loads as usual).
export function visitable(url, root = rootOf()) {
  return url.origin === location.origin && Boolean(root) && !root.nonce && root.dataset?.liveTransport !== "http";
}

let visits = 0; // a later click wins over a fetch still under way

// For a progress bar (Phoenix's phx:page-loading-start/stop): <html>, which a visit keeps, has
// the class live-page-loading from the click until the new page is in, and the document hears
// live:page-loading-start and live:page-loading-stop, with the URL. A visit that ends in an
// ordinary load leaves the class on: that load replaces the document.
function pageLoading(loading, url) {
  document.documentElement.classList.toggle("live-page-loading", loading);
  const name = `live:page-loading-${loading ? "start" : "stop"}`;
  document.dispatchEvent(new CustomEvent(name, { bubbles: true, detail: { to: url.href } }));
}

const glue = () => window.liveViewsGlue;

async function visit(href, { push = true } = {}) {
  const url = new URL(href, location.href);
  if (!visitable(url)) return location.assign(url);
  const visitNumber = ++visits;
  pageLoading(true, url);
  let response, doc;
  try {
    response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
    if (!response.ok || !response.headers.get("content-type")?.includes("text/html")) throw response;
    doc = new DOMParser().parseFromString(await response.text(), "text/html");
  } catch {
    return location.assign(url); // the browser shows what the server answers
  }
  if (visitNumber !== visits) return;
  const final = new URL(response.url || url);
  // fetch() drops the fragment (a response's URL never has one): the address keeps it, as a
  // browser's navigation (and a redirect without a fragment of its own) would.
  final.hash ||= url.hash;
  // A page is live when its own root is; a live component of an ordinary page has one too.
  if (final.origin !== location.origin || !doc.querySelector("[data-live-root]:not([data-live-standalone])")) {
    return location.assign(final); // not a live page: an ordinary load
  }
  // Only the new page's <title> is taken from its <head>: one that asks for other styles or
  // scripts (another base template; a deploy, whose hashed file names changed) loads as a page
  // does, as Phoenix reloads when a phx-track-static asset changed.
  if (!sameHead(doc, final)) return location.assign(final);
  if (push) history.pushState({ live: true }, "", final);
  else if (final.href !== location.href) history.replaceState({ live: true }, "", final);
  glue().pageMoved();
  swapDocument(doc);
  scrollToFragment(final.hash);
  if (document.title) announce(document.title);
  pageLoading(false, final);
}

// A screen reader reads a loaded page's title; a swapped body is silent, and the link the user
// followed is gone. Focus is back on <body>, where a load leaves it (the next Tab goes to the
// page's first link), and a live region, in the new body before its text, says the title.
function announce(title) {
  const region = document.createElement("div");
  region.setAttribute("aria-live", "assertive");
  region.setAttribute("aria-atomic", "true");
  region.dataset.liveAnnouncer = "";
  region.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)";
  document.body.append(region);
  setTimeout(() => (region.textContent = title), 100);
}

// As a page load does: to the element the fragment names (its id, or an <a name>), else the top.
function scrollToFragment(hash) {
  let name = hash.slice(1);
  try {
    name = decodeURIComponent(name);
  } catch {
    // not percent-encoded text: the name as written
  }
  const target = name && (document.getElementById(name) ?? document.getElementsByName(name)[0]);
  if (target) target.scrollIntoView();
  else window.scrollTo(0, 0);
}

// The new page's stylesheets are this one's, and it has no head script this document did not
// run (the lazy scripts the glue appended here are in no page as served). Relative addresses
// are read against each page's own URL.
function sameHead(doc, url) {
  const urls = (head, base, selector, attribute) =>
    [...head.querySelectorAll(selector)].map((el) => new URL(el.getAttribute(attribute), base).href);
  const styles = (head, base) => urls(head, base, "link[rel~=stylesheet][href]", "href").join(" ");
  const ran = new Set(urls(document.head, document.baseURI, "script[src]", "src"));
  return (
    styles(doc.head, url) === styles(document.head, document.baseURI) &&
    urls(doc.head, url, "script[src]", "src").every((src) => ran.has(src))
  );
}

function swapDocument(doc) {
  glue().destroyAll();
  document.title = doc.title;
  // The new page's language and direction (<html lang="{{ LANGUAGE_CODE }}">): a page under /fr/
  // after one under /en/ is read, spell-checked and laid out (rtl) as French, as a load would.
  const html = document.documentElement;
  for (const name of ["lang", "dir"]) {
    const value = doc.documentElement.getAttribute(name);
    if (value === null) html.removeAttribute(name);
    else html.setAttribute(name, value);
  }
  const body = document.body;
  const loaded = new Set([...document.scripts].map((script) => script.src).filter(Boolean));
  for (const { name } of [...body.attributes]) body.removeAttribute(name);
  for (const { name, value } of doc.body.attributes) body.setAttribute(name, value);
  body.replaceChildren(...doc.body.childNodes);
  // Scripts parsed elsewhere do not run when inserted: run the new page's, as a load would,
  // but not a file this document already ran ({% live_scripts %} in <body>, a shared library).
  for (const old of body.querySelectorAll("script")) {
    if (old.src && loaded.has(old.src)) continue;
    const script = document.createElement("script");
    for (const { name, value } of old.attributes) script.setAttribute(name, value);
    script.textContent = old.textContent;
    old.replaceWith(script);
  }
  // Re-wires the body: hx-ws closes the old page's socket and opens the new page's.
  htmx.process(body, true);
}

window.liveViewsNavigate = { visit };

// A plain left click on <a data-live-navigate href="…">.
document.addEventListener("click", (evt) => {
  const link = evt.target.closest?.("a[data-live-navigate][href]");
  if (!link || evt.defaultPrevented || evt.button !== 0) return;
  if (evt.metaKey || evt.ctrlKey || evt.shiftKey || evt.altKey || link.target || link.hasAttribute("download")) return;
  evt.preventDefault();
  visit(link.href);
});

// A plain left click on <a data-live-patch href="?filter=done">: this page at another query,
// as live_patch() would show it, with no handler of the page's. The server renders that query
// on the page's socket (or the HTTP transport's stand-in) and answers as for a live_patch():
// the glue adds the history entry once the blocks are in (navigation.js, applyPatch), and a
// query the view refuses (?page=99, a 404) is its patch_refused error (live:error), the page
// and its address as they were. With no open socket, a new history entry and the popstate Back
// would fire: the next join renders the address bar's query. A link to another path is no
// patch: it loads as links do, as on a page that is not live (live components in roots of
// their own: no page renders the query).
// docs/protocol.md, "params": with `patch`, the reply is a live_patch()'s.
const patchLinkFrame = (search, ref) => JSON.stringify({ [FRAME.PARAMS]: search, [FRAME.PATCH]: true, [FRAME.REF]: ref });

document.addEventListener("click", (evt) => {
  const link = evt.target.closest?.("a[data-live-patch][href]");
  if (!link || evt.defaultPrevented || evt.button !== 0) return;
  if (evt.metaKey || evt.ctrlKey || evt.shiftKey || evt.altKey || link.target || link.hasAttribute("download")) return;
  const url = new URL(link.href);
  const live = document.querySelector("[data-live-root]:not([data-live-standalone])");
  if (url.origin !== location.origin || url.pathname !== glue().pagePathNow() || !live) return;
  // The query shown: nothing to render. To a #fragment the browser goes, as for any link,
  // without a load; without one, a link to the page itself would reload it.
  if (url.search === location.search && url.hash) return;
  evt.preventDefault();
  if (url.search === location.search) return;
  const socket = glue().connection()?.socket;
  if (socket?.readyState === WebSocket.OPEN) {
    linked = { ref: glue().nextRef(), search: url.search, hash: url.hash };
    return socket.send(patchLinkFrame(url.search, linked.ref));
  }
  history.pushState(null, "", url);
  dispatchEvent(new PopStateEvent("popstate"));
});

// The server's patch gives the entry the link's query only: its #fragment (a paginator's
// #results) goes in once the glue has added it (its listener ran first), and the page goes
// there, as a link to it does.
let linked; // the last link's ref, query and fragment, until its reply
htmx.on("htmx:ws:after:message:incoming", (evt) => {
  let ref;
  try {
    ref = JSON.parse(evt.detail.message.data)[FRAME.REF];
  } catch {
    return;
  }
  if (!linked || ref !== linked.ref) return;
  const { search, hash } = linked;
  linked = null;
  if (!hash || location.search !== search || location.pathname !== glue().pagePathNow()) return;
  history.replaceState(history.state, "", hash);
  scrollToFragment(hash);
});

// Back and Forward between live pages of this document (which loaded this script to get there).
window.addEventListener("popstate", () => {
  if (location.pathname === glue().pagePathNow() || !rootOf()) return; // navigation.js follows the query
  visit(location.href, { push: false });
});
