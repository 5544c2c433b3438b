// The HTTP transport's wire (docs/howto/http-transport.md) as plain functions: no DOM, so
// node:test covers them.

// The reply to a frame (live_views/http/reply.py): the changed blocks, then the rest of the
// frame as <script type="application/json" id="live-frame"> (Django's json_script: no "<" in it).
const FRAME_RE = /<script id="live-frame" type="application\/json">([^<]*)<\/script>\s*$/;

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

// The close code a socket would have had for a push request's answer that no retry changes: the
// server refused the page (its view now answers 403 or 404, its token is malformed). Not 429: a
// page's previous push stream may still be closing. 401 and 410 reload the page (closeKind).
export function pushRefusal(status) {
  return [400, 401, 403, 404, 410, 413].includes(status) ? 4000 + status : null;
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
