// The page's query in the address bar (docs/protocol.md, "patch" and "params"). The server's
// live_patch() pushes or replaces it; Back and Forward between this page's entries ask the
// server to render the query they land on, in the same document and on the same socket.

let pagePath = location.pathname; // the live page shown (visit.js moves to another)
let renderedSearch = location.search; // the query the server last rendered for
let backRef; // the ref of the last params frame (Back or Forward) on the open socket

// After the frame's content was swapped, as a real navigation would show the new URL then.
// `ref` is the event's: Back or Forward since it was sent wins (the server reads their params
// frame after the event, so it ends on the entry the user chose), and an entry of another page
// (visit.js is loading it) is no place for this page's query.
export function applyPatch({ patch, ref }) {
  if (!patch || ref < backRef || location.pathname !== pagePath) return;
  const { search, replace } = patch;
  const url = pagePath + search;
  if (replace) history.replaceState(history.state, "", url);
  else history.pushState(null, "", url);
  renderedSearch = location.search;
}

// `send(search)` sends a params frame and returns its ref when the socket is open; when it is
// not, the join of the next connection carries location.search and re-syncs the page (no reply
// to an event sent before can come then: a reply comes on the socket its event went on).
export function followHistory(send) {
  window.addEventListener("popstate", () => {
    // Another page's entry (the browser loads it), or only the #fragment changed.
    if (location.pathname !== pagePath || location.search === renderedSearch) return;
    renderedSearch = location.search;
    backRef = send(location.search);
  });
  // htmx marks the entries it swaps in and, on Back to one, re-fetches the whole page into
  // <body>. Our entries are the live pages' own: the socket (or visit.js) restores them.
  htmx.on("htmx:before:history:restore", (evt) => {
    if (document.querySelector("[data-live-root]")) {
      evt.preventDefault();
    }
  });
}

// visit.js swapped in the live page the address bar now shows.
export function pageMoved() {
  pagePath = location.pathname;
  renderedSearch = location.search;
}

export function pagePathNow() {
  return pagePath;
}

// A new connection renders for the address bar's query (sent in its join).
export function joined() {
  renderedSearch = location.search;
}
