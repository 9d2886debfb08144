// The Gmail content script: finds compose windows and mounts the shared panel (panel/panel.js) beside each, with
// the Gmail host adapter (gmail-adapter.js: text model, fixes in place, CSS highlights) and the API client relayed
// from the extension's service worker (relay.js), where the key lives. The panel is in a shadow root with
// constructed stylesheets, so Gmail's styles and CSP leave it alone; all draft text enters it as text nodes.
import panelSheet from "../panel/panel.css" with { type: "css" };
import { IGNORE_KEY, IgnoreStore } from "../panel/ignore-store.js";
import { createPanel } from "../panel/panel.js";
import { h } from "../panel/render.js";
import { onSettingsChanged, optionsLink, storageMirror } from "./chrome-settings.js";
import { GmailAdapter } from "./gmail-adapter.js";
import { HighlightPainter } from "./highlights.js";
import { relayClient } from "./relay.js";
import shellSheet from "./shell.css" with { type: "css" };
import { buildText } from "./text-model.js";

const BODY_SELECTOR = 'div[contenteditable="true"][role="textbox"], div[aria-label="Message Body"][contenteditable="true"]';
const SUBJECT_SELECTOR = 'input[name="subjectbox"]';
const DEBOUNCE_MS = 600;
const SCAN_MS = 300;

/** The subject input of the compose window around `body` (Gmail nests it a few levels up). */
function findSubject(body) {
  for (let n = body, i = 0; n && i < 20; n = n.parentElement, i++) {
    const s = n.querySelector?.(SUBJECT_SELECTOR);
    if (s) return s;
  }
  return null;
}

/** The floating frame: one panel element per compose window, the focused one shown; can be folded away. */
class Shell {
  constructor() {
    this.host = h("div", { id: "outreach-critic-panel" });
    const root = this.host.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [panelSheet, shellSheet];
    this.toggle = h("button", { type: "button", class: "oc-gmail-toggle", onclick: () => this.fold(!this.folded) });
    this.stack = h("div", { class: "oc-gmail-stack" });
    this.frame = h("div", { class: "oc-gmail-shell" }, this.toggle, this.stack);
    root.append(this.frame);
    this.fold(false);
  }

  fold(folded) {
    this.folded = folded;
    this.frame.classList.toggle("oc-collapsed", folded);
    this.toggle.textContent = folded ? "✉ Outreach critic" : "–";
    this.toggle.title = folded ? "Show the critic" : "Hide the critic";
    this.toggle.setAttribute("aria-expanded", String(!folded));
  }

  add() {
    const el = h("div", { class: "oc-gmail-panel", "aria-label": "Critique" });
    this.stack.append(el);
    this.show(el);
    if (!this.host.isConnected) document.documentElement.append(this.host);
    return el;
  }

  show(el) {
    for (const c of this.stack.children) c.hidden = c !== el;
  }

  remove(el) {
    el.remove();
    if (this.stack.lastElementChild) this.show(this.stack.lastElementChild);
    else this.host.remove();
  }
}

async function start() {
  const ignoreStore = new IgnoreStore(await storageMirror([IGNORE_KEY]));
  const painter = new HighlightPainter();
  const client = relayClient();
  const shell = new Shell();
  const composers = new Map(); // compose body -> {panel, detach}

  function attach(body) {
    const adapter = new GmailAdapter({ body, subject: findSubject(body), painter });
    const el = shell.add();
    const panel = createPanel(el, { adapter, client, settings: optionsLink, ignoreStore, debounceMs: DEBOUNCE_MS });
    const onFocus = () => shell.show(el);
    body.addEventListener("focusin", onFocus);
    adapter.subject?.addEventListener("focus", onFocus);
    composers.set(body, {
      panel,
      detach() {
        body.removeEventListener("focusin", onFocus);
        adapter.subject?.removeEventListener("focus", onFocus);
        panel.destroy();
        adapter.detach();
        shell.remove(el);
      },
    });
  }

  function scan() {
    for (const body of document.querySelectorAll(BODY_SELECTOR)) if (!composers.has(body)) attach(body);
    for (const [body, c] of composers) {
      if (!body.isConnected) {
        c.detach();
        composers.delete(body);
      }
    }
  }

  // A key saved on the options page counts at once: every panel reconnects and checks again.
  onSettingsChanged(() => { for (const c of composers.values()) c.panel.settingsChanged(); });
  let timer = null;
  new MutationObserver(() => {
    timer ||= setTimeout(() => { timer = null; scan(); }, SCAN_MS);
  }).observe(document.body || document.documentElement, { childList: true, subtree: true });
  scan();
  // For tests and debugging, in the extension's isolated world only (Gmail's own scripts cannot see it).
  globalThis.__outreachCriticGmail = { buildText, composers, scan };
}

if (!globalThis.__outreachCriticGmail) {
  globalThis.__outreachCriticGmail = {};
  start();
}
