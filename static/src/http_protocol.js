// The HTTP transport's wire (docs/howto/http-transport.md) as plain functions: no DOM, so
// node:test covers them.
import { FRAME } from "./protocol.js";

// The reply to a frame (live_views/http/reply.py): the changed blocks, then the rest of the
// frame as <script type="application/json" id="live-frame"> (Django's json_script: no "<" in it).
const FRAME_RE = /<script id="live-frame" type="application\/json">([^<]*)<\/script>\s*$/;

// Whether an answer is our route's, not another's (Django's CSRF failure page, a proxy's error).
export function fromOurRoute(body) {
  return String(body ?? "").includes('id="live-frame"');
}

export function splitReply(body) {
  const found = String(body).match(FRAME_RE);
  if (!found) return { blocks: String(body), frame: {} };
  let frame;
  try {
    frame = JSON.parse(found[1]);
  } catch {
    frame = {};
  }
  return { blocks: body.slice(0, found.index), frame: frame && typeof frame === "object" ? frame : {} };
}

// The error frame answering `sent` (a frame's JSON) when our route did not: `status` is the HTTP
// status of another's answer (Django's CSRF failure page, a proxy's error), or null when the
// server did not answer at all. It carries the frame's ref, so the glue settles what waits for
// the reply (its element's loading state, a hook's pushEvent() promise) as a socket's close does;
// null for a frame with no ref (a join) that the server did not answer: nothing waits for it.
export function unansweredFrame(sent, status) {
  let frame;
  try {
    frame = JSON.parse(sent);
  } catch {
    frame = null;
  }
  const ref = Number.isInteger(frame?.[FRAME.REF]) ? frame[FRAME.REF] : undefined;
  const event = typeof frame?.[FRAME.EVENT] === "string" ? frame[FRAME.EVENT] : undefined;
  if (status === null && ref === undefined) return null;
  const error =
    status === null
      ? { code: "no_reply", message: `"${event ?? "frame"}" got no reply (the server did not answer): it may not have run` }
      : { code: `http_${status}`, message: `The server refused the frame (HTTP ${status}).` };
  if (ref === undefined) return { [FRAME.ERROR]: error };
  return { [FRAME.REF]: ref, [FRAME.ERROR]: { ...error, event, ref } };
}

// The close code a socket would have had for a push request's answer that no retry changes: the
// server refused the page (its view now answers 403 or 404, its token is malformed). Not 429: a
// page's previous push stream may still be closing. 401 and 410 reload the page (closeKind).
export function pushRefusal(status) {
  return [400, 401, 403, 404, 410, 413].includes(status) ? 4000 + status : null;
}

// The answer to a page's first join when it is not our route's (no live-frame in it): Django's
// CSRF failure page (no CSRF cookie: cookies blocked; an Origin that CSRF_TRUSTED_ORIGINS does
// not list, or an https page its TLS proxy forwards as http without SECURE_PROXY_SSL_HEADER), a
// proxy's 403. The page never went live, and each of its events would get the same answer: it
// is refused as a socket closed with the code pushRefusal() gives, with a word in the console
// on why. null for our route's answer (frameRefusal's to read) and for one a retry may change.
export function joinRefusal(status, body) {
  const code = fromOurRoute(body) ? null : pushRefusal(status);
  if (code === null) return null;
  const text = String(body ?? "");
  if (!text.includes("CSRF verification failed")) {
    return { code, message: `live_views: the server refused the page's join over HTTP (HTTP ${status}), so the page is not live` };
  }
  // Django's page gives its reason only with DEBUG on ("CSRF cookie not set.").
  const reason = /Reason given for failure:<\/p>\s*<pre>\s*([^<]*?)\s*<\/pre>/.exec(text)?.[1];
  const message =
    `live_views: Django's CSRF check refused the page's join over HTTP (HTTP ${status}${reason ? `: ${reason}` : ""}), ` +
    "so the page is not live. Either the browser sent no CSRF cookie (cookies blocked for this site?), or the " +
    "page's origin failed the check: list it in CSRF_TRUSTED_ORIGINS, and behind a TLS proxy set " +
    'SECURE_PROXY_SSL_HEADER (docs/howto/deployment.md, "Behind a TLS proxy")';
  return { code, message };
}

// The close code a socket would have had for a frame's answer that refuses the page: our
// route's refused_4xxx (a join over MAX_CONNECTIONS_PER_SESSION: 429, refused_4429), or null.
// A frame's own error (rate_limited, bad_arguments) leaves the page live, as on the socket.
export function frameRefusal(status, frame) {
  const code = /^refused_(4\d{3})$/.exec(frame?.[FRAME.ERROR]?.code)?.[1];
  return status >= 400 && code ? Number(code) : null;
}

// Server-sent events as the push route writes them: `buffer` is what arrived so far. Returns the
// data of each complete event (comments and keep-alives have none) and the rest, which waits for
// more.
export function readEvents(buffer) {
  const data = [];
  let end;
  while ((end = buffer.indexOf("\n\n")) >= 0) {
    const lines = buffer.slice(0, end).split("\n").filter((line) => line.startsWith("data: "));
    if (lines.length) data.push(lines.map((line) => line.slice(6)).join("\n"));
    buffer = buffer.slice(end + 2);
  }
  return { data, rest: buffer };
}
