// The bundle knows the package version it was built for (build.mjs defines LIVE_VIEWS_VERSION);
// the server writes its own on the page root. A page served by a newer server with a stale
// cached bundle (or the reverse) speaks an older protocol: say so, as Phoenix does.
/* global LIVE_VIEWS_VERSION */
export const clientVersion = typeof LIVE_VIEWS_VERSION === "string" ? LIVE_VIEWS_VERSION : "";

export function versionMismatch(serverVersion, client = clientVersion) {
  if (!serverVersion || !client || serverVersion === client) return null;
  // Short: every byte here ships to every page. docs/protocol.md says what to do.
  return `live_views: JS ${client} != server ${serverVersion}: reload, or run collectstatic`;
}
