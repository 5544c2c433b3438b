// JS commands (docs/reference/javascript.md "JS commands"), as Phoenix's JS.show/hide/toggle,
// JS.add_class/remove_class/toggle_class, JS.dispatch, JS.focus/focus_first and JS.push: a click on an element with
// data-live-js="toggle to #menu; add-class open to #nav" changes the page in the browser, with
// no server round trip and no inline script, so a strict CSP allows it.
//
// What a command changed stays through the server's re-renders, as Phoenix's "sticky"
// operations do (sticky.js): a re-render that still has what the server rendered before keeps
// the browser's state, one that renders something else wins (the server closed the menu on purpose).
//
// Shipped inside live_views.hooks.min.js (build.mjs), with the removal transitions and the focus
// wrap, loaded for a page that shows an element with data-live-hook, data-live-js,
// data-live-remove or data-live-focus-wrap (hooks_loader.js): the main bundle only tests for one.
import { parseCommands } from "./command_syntax.js";
import "./focus_wrap.js";
import { focusables, focused } from "./focusable.js";
import "./removal.js";
import { keepBrowserState, remember } from "./sticky.js";

const FORCE = { "add-class": true, "remove-class": false }; // toggle-class: neither

// The commands of `trigger`'s attribute with their elements (no `to`: the element itself), or
// null (warned) if any is wrong: a mistyped command changes nothing rather than half of what
// was asked.
export function commandsOf(trigger) {
  const value = trigger.dataset.liveJs;
  try {
    return parseCommands(value).map(({ name, words, selector }) => ({
      name,
      words,
      targets: selector ? [...document.querySelectorAll(selector)] : [trigger],
    }));
  } catch (error) {
    console.warn(`live_views: data-live-js="${value}": ${error.message}`);
    return null;
  }
}

function setHidden(el, hidden) {
  remember(el, "hidden", el.getAttribute("hidden"));
  el.toggleAttribute("hidden", hidden);
}

function setClass(el, name, on) {
  remember(el, `.${name}`, el.classList.contains(name));
  el.classList.toggle(name, on);
}

// push: the live event `name`, as the element's own data-live-event would send it (its
// data-live-args, to the live component around it, else the page), through the hooks' sender.
// sendEvent's "not connected" said neither why nor what to do: a page without {% live_connect %}
// sends only from inside a live component (its own socket), and a live page's socket may be down.
const NOT_SENT = "not sent, no live socket is open: on a page that is not live put the element in a live component";
function push(trigger, name) {
  const warn = (error) =>
    console.warn(`live_views: data-live-js="${trigger.dataset.liveJs}": push ${name}: ${error.message.endsWith("not connected") ? NOT_SENT : error.message}`);
  try {
    // The server's refusal (an unknown event) the glue warns of already, with its code.
    window.liveViewsGlue.push(name, JSON.parse(trigger.dataset.liveArgs ?? "{}"), trigger, 1).catch((error) => error.code || warn(error));
  } catch (error) {
    warn(error); // data-live-args that is no JSON
  }
}

export function run(trigger) {
  for (const { name, words, targets } of commandsOf(trigger) ?? []) {
    for (const el of targets) {
      if (name === "show" || name === "hide") setHidden(el, name === "hide");
      else if (name === "toggle") setHidden(el, !el.hidden);
      else if (name.endsWith("class")) for (const c of words) setClass(el, c, FORCE[name]);
      // As JS.dispatch: bubbling, with the clicked element as `detail.dispatcher`.
      else if (name === "dispatch") el.dispatchEvent(new CustomEvent(words[0], { bubbles: true, detail: { dispatcher: trigger } }));
    }
    if (name === "focus") targets.find(focused);
    else if (name === "focus-first") targets.find((el) => focusables(el).find(focused));
    else if (name === "push") push(trigger, words[0]);
    // A disclosure button says whether what it controls is open (WAI-ARIA): one that names it
    // (aria-controls), or already says so (aria-expanded), follows the first element it changed.
    const expands = trigger.hasAttribute("aria-controls") || trigger.hasAttribute("aria-expanded");
    if (expands && ["show", "hide", "toggle"].includes(name) && targets[0]) {
      remember(trigger, "aria-expanded", trigger.getAttribute("aria-expanded"));
      trigger.setAttribute("aria-expanded", String(!targets[0].hidden));
    }
  }
}

// hx-ws's outgoing event does not name the event a send is for, but each send first builds a
// context from it through this API (the one object all extensions share): a context for another
// event than the asked click ends that click's mark, so the glue asks for that send. Else an OK
// to a click that sent nothing (`click[shiftKey]`) spared a later send on `keyup` its question.
function init(api) {
  const create = api.createRequestContext;
  evaluate = api.executeJavaScript;
  api.createRequestContext = (el, evt) => (el.lvAsked !== evt && (el.lvAsked = 0), create(el, evt));
}
htmx.registerExtension("live-js", { init, htmx_before_morph_node: keepBrowserState });

// hx-confirm on an element with commands is asked here, first, as Phoenix's data-confirm is
// (phoenix_html asks in the click's capture phase): Cancel stops the click, so neither the
// commands nor what the element sends on it (its {% live_on %} event, its htmx request) hear
// it. After an OK, whoever sends it asks no more (`lvAsked`, the click: the glue, htmx:confirm
// below). Only an element that sends on the click itself is spared a second question: one that
// sends on something else (hx-trigger="change") asks again then, for that.
const SENDS = "[data-live-event],[data-htmx-powered]";
const sendsOnClick = (el) =>
  el.matches(SENDS) && !el.matches("form,input:not([type=button],[type=submit]),select,textarea") && /^\s*(click\b|$)/.test(el.getAttribute("hx-trigger") ?? "");
// hx-confirm="js:…" (or "javascript:…"), as htmx 4 reads it: an expression, run as htmx runs
// it (`this` the element, htmx's API in scope, its safeEval if the page set one), whose value
// (awaited: a dialog of the page's own) is the answer. The click waits for it, and a yes
// clicks again, as the user did; that click is not asked.
let evaluate; // htmx's executeJavaScript, from its extension API (below)
let again; // the click a yes replays
const JS = /^(?:js|javascript):(.*)$/s;
async function askScript(trigger, question, code, click) {
  try {
    if (!(await evaluate(trigger, {}, code, true)) || !click.target.isConnected) return;
  } catch (error) {
    return console.warn(`live_views: hx-confirm="${question}":`, error);
  }
  again = new MouseEvent("click", click);
  click.target.dispatchEvent(again);
}
document.addEventListener(
  "click",
  (evt) => {
    const trigger = evt.target.closest?.("[data-live-js]");
    const question = trigger?.getAttribute("hx-confirm");
    if (!question) return;
    const code = evt !== again && question.match(JS)?.[1];
    if (code) askScript(trigger, question, code, evt);
    if (evt === again || (!code && confirm(question))) trigger.lvAsked = sendsOnClick(trigger) && evt;
    else {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  },
  true,
);
// Only the request of the click that was asked: the mark of a click that sent nothing (a filter,
// `click[shiftKey]`, refused it) would spare the question of a later send on another trigger.
htmx.on("htmx:confirm", (evt) => {
  const { ctx, issueRequest } = evt.detail;
  if (!ctx.sourceElement.lvAsked || ctx.sourceElement.lvAsked !== ctx.sourceEvent) return;
  ctx.sourceElement.lvAsked = 0;
  evt.preventDefault();
  issueRequest();
});
// After the element's own listeners: the commands run after its event is sent, as Phoenix's
// JS commands run as part of the event.
document.addEventListener("click", (evt) => {
  const trigger = evt.target.closest?.("[data-live-js]");
  if (trigger) run(trigger);
});

// A click before this script ran did nothing (hooks_loader.js kept the element with commands
// that the last click was on; none for a click elsewhere): its
// commands run now. Not one that asked a question: the glue or htmx asked it, and the answer
// is theirs.
const early = window.liveViewsGlue.clicked?.closest?.("[data-live-js]");
if (early?.isConnected && !early.hasAttribute("hx-confirm")) run(early);
