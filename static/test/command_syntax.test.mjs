import assert from "node:assert/strict";
import { test } from "node:test";

import { parseCommands } from "../src/command_syntax.js";

test("the new commands read as Phoenix's JS.dispatch, JS.focus, JS.focus_first and JS.push", () => {
  assert.deepEqual(parseCommands("dispatch menu:opened to #menu; focus to #search; focus-first to #dialog; push opened"), [
    { name: "dispatch", words: ["menu:opened"], selector: "#menu" },
    { name: "focus", words: [], selector: "#search" },
    { name: "focus-first", words: [], selector: "#dialog" },
    { name: "push", words: ["opened"], selector: "" },
  ]);
  assert.deepEqual(parseCommands("focus"), [{ name: "focus", words: [], selector: "" }]);
});

test("the existing commands read as before", () => {
  assert.deepEqual(parseCommands("toggle to #menu; add-class open active to #nav"), [
    { name: "toggle", words: [], selector: "#menu" },
    { name: "add-class", words: ["open", "active"], selector: "#nav" },
  ]);
  assert.deepEqual(parseCommands('hide to [data-note="a; b  to c"]'), [
    { name: "hide", words: [], selector: '[data-note="a; b  to c"]' },
  ]);
});

test("an unknown command names every command there is", () => {
  assert.throws(() => parseCommands("flip to #menu"), {
    message:
      'unknown command "flip"; use one of: show, hide, toggle, add-class, remove-class, toggle-class, dispatch, focus, focus-first, push',
  });
});

test("dispatch and push need one event name, and say how to write it", () => {
  assert.throws(() => parseCommands("dispatch to #menu"), {
    message: '"dispatch" needs one event name: "dispatch menu:opened to #menu"',
  });
  assert.throws(() => parseCommands("dispatch opened closed to #menu"), {
    message: '"dispatch" needs one event name: "dispatch menu:opened to #menu"',
  });
  assert.throws(() => parseCommands("push"), { message: '"push" needs one event name: "push opened"' });
});

test("push sends from the clicked element: a `to` is refused", () => {
  assert.throws(() => parseCommands("push opened to #menu"), {
    message: '"push" takes no "to": it sends from the clicked element: "push opened"',
  });
});

test("focus and focus-first take nothing before their `to`", () => {
  assert.throws(() => parseCommands("focus search"), { message: '"focus" takes nothing before "to": "focus to #search"' });
  assert.throws(() => parseCommands("focus-first input to #dialog"), {
    message: '"focus-first" takes nothing before "to": "focus-first to #dialog"',
  });
});

test("a command with nothing after its `to` asks for a selector", () => {
  assert.throws(() => parseCommands("focus to "), { message: '"focus": nothing after "to"; write a CSS selector there' });
});
