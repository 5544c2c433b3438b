// Events sent by scripts (a hook's pushEvent, a live_every tick) go straight on the open socket:
// sent from those scripts' own bundles (hooks.js, polling.js), which hand this to the glue's
// push() (replies.js) as they load. Every page loads the glue; only such pages need this.
import { scriptEventFrame } from "./protocol.js";

const glue = () => window.liveViewsGlue;

// The ref is returned. A hook (`el`) in a live component on a page that is not live has no
// page's view to send to: its event goes to that component, on the component's own socket (its
// root's connection).
export function sendEvent(name, args = {}, el, to) {
  const standalone = el?.closest("[data-live-standalone] [data-live-component]");
  // pushEventTo: the component around `el`, else the page, as Phoenix's goes to what owns it.
  const component = (to ? el.closest("[data-live-component]") : standalone)?.dataset.liveComponent;
  const socket = (standalone ? el.closest("[data-live-root]")._htmx?.ws?.connection : glue().connection())?.socket;
  if (socket?.readyState !== WebSocket.OPEN) throw new Error(`live_views: not connected`);
  const sent = glue().nextRef();
  socket.send(scriptEventFrame(name, args, sent, component));
  return sent;
}
