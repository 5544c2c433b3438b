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
  const root = standalone ? el.closest("[data-live-root]") : document.querySelector("[data-live-root]:not([data-live-standalone])");
  const socket = () => (standalone ? root._htmx?.ws?.connection : glue().connection())?.socket;
  const open = () => socket()?.readyState === WebSocket.OPEN;
  const trying = root?.lvTry; // a page live over HTTP is trying its socket again (http.js)
  if (!trying && !open()) throw new Error(`live_views: not connected`);
  const sent = glue().nextRef();
  const frame = scriptEventFrame(name, args, sent, component);
  if (!trying) socket().send(frame);
  // Once the try is over: on the socket that joined, or on HTTP again; else (the tab let go of
  // its server page meanwhile) as on a closed socket.
  else trying.then(() => (open() ? socket().send(frame) : glue().settle(sent, { message: "live_views: not connected" })));
  return sent;
}
