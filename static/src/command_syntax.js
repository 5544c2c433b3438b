// The syntax of data-live-js (commands.js), apart from the page so node's tests read it: the
// attribute's commands as { name, words, selector }, or an Error that says how to write one.

// What each command takes before its `to`: a number of words, or CLASSES (one or more), and how
// a right one reads.
const CLASSES = "classes";
const COMMANDS = {
  show: [0, "show to #menu"],
  hide: [0, "hide to #menu"],
  toggle: [0, "toggle to #menu"],
  "add-class": [CLASSES, "add-class open to #menu"],
  "remove-class": [CLASSES, "remove-class open to #menu"],
  "toggle-class": [CLASSES, "toggle-class open to #menu"],
  dispatch: [1, "dispatch menu:opened to #menu"],
  focus: [0, "focus to #search"],
  "focus-first": [0, "focus-first to #dialog"],
  push: [1, "push opened"],
};
export const NAMES = Object.keys(COMMANDS);

// A `;` meant for a selector ends the command there: what follows it is no command.
const SEMICOLON = 'a ";" outside quotes ends a command, so quote an attribute value that has one: [title="a;b"]';

// One command: `NAME [WORD…] [to SELECTOR]`; no `to`: the element itself. The first word `to`
// starts the selector, which is kept as written (a quoted attribute value's spaces, a later
// ` to ` in it).
function parse(part, index) {
  const at = part.search(/\sto(\s|$)/);
  const [name, ...words] = (at < 0 ? part : part.slice(0, at)).trim().split(/\s+/);
  const selector = at < 0 ? "" : part.slice(at + 3).trim();
  if (!Object.hasOwn(COMMANDS, name)) {
    throw new Error(`unknown command "${name}"; use one of: ${NAMES.join(", ")}${index ? `; ${SEMICOLON}` : ""}`);
  }
  const [takes, example] = COMMANDS[name];
  if (at >= 0 && !selector) throw new Error(`"${name}": nothing after "to"; write a CSS selector there`);
  // push sends from the element itself, as its own data-live-event would.
  if (name === "push" && at >= 0) throw new Error(`"push" takes no "to": it sends from the clicked element: "${example}"`);
  if (takes === CLASSES ? !words.length : words.length !== takes) {
    const wanted = takes === CLASSES ? "needs a class" : takes ? "needs one event name" : 'takes nothing before "to"';
    throw new Error(`"${name}" ${wanted}: "${example}"`);
  }
  return { name, words, selector };
}

// `;` separates the commands, except in quotes.
export const parseCommands = (value) =>
  (value.match(/(?:"[^"]*"|'[^']*'|[^;])+/g) ?? []).filter((part) => part.trim()).map(parse);
