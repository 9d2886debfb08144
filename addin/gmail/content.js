// Outreach critic for Gmail: finds compose windows, sends their text to the critic (through the
// extension's service worker), marks flagged words in place with the CSS Custom Highlight API and
// lists the findings in a small panel (shadow DOM) with Apply / Ignore.
//
// Offsets: the text sent to the service is built here by walking the compose box's text nodes
// (<br> and block boundaries become "\n", no-break spaces become spaces; one UTF-16 unit per unit),
// and the same walk keeps a map from text offsets back to (text node, offset). The critique's
// start_utf16/end_utf16 index that text, so they map straight back to DOM Ranges.
(() => {
  "use strict";
  if (globalThis.__outreachCriticGmail) return;

  const BODY_SELECTOR = 'div[contenteditable="true"][role="textbox"], div[aria-label="Message Body"][contenteditable="true"]';
  const SUBJECT_SELECTOR = 'input[name="subjectbox"]';
  const DEBOUNCE_MS = 600;
  const HIGHLIGHT = { error: "outreach-critic-error", warning: "outreach-critic-warning", suggestion: "outreach-critic-suggestion" };
  const SEVERITY_RANK = { error: 3, warning: 2, suggestion: 1 };
  const RUBRIC_LABELS = { empathy: "Empathy", value_first: "Value first", imposition: "Imposition", rapport: "Rapport", clarity: "Clarity" };
  const BLOCKS = new Set(["DIV", "P", "LI", "UL", "OL", "BLOCKQUOTE", "PRE", "H1", "H2", "H3", "H4", "H5", "H6", "TABLE", "TR", "SECTION", "ARTICLE", "HEADER", "FOOTER", "HR"]);
  const IGNORE_KEY = "outreach-critic:ignored-rules";

  // ---------- text model ----------

  function isBlock(node) {
    return node.nodeType === 1 && BLOCKS.has(node.tagName);
  }

  function blockAncestor(node, root) {
    for (let n = node.parentNode; n && n !== root; n = n.parentNode) if (isBlock(n)) return n;
    return root;
  }

  // A <br> that ends a block with text before it only keeps the block open; it is not a line.
  function isPlaceholderBr(br, root) {
    const block = blockAncestor(br, root);
    for (let n = br; n && n !== block; n = n.parentNode) {
      for (let s = n.nextSibling; s; s = s.nextSibling) {
        if (s.nodeType === 3 && s.data.length) return false;
        if (s.nodeType === 1 && (s.tagName === "BR" || s.textContent.length || isBlock(s))) return false;
      }
    }
    const range = document.createRange();
    range.setStart(block, 0);
    range.setEndBefore(br);
    return range.toString().length > 0;
  }

  /** {text, segs:[{node,start,end}]} for a compose body. */
  function buildText(root) {
    let text = "";
    let pendingBreak = false;
    const segs = [];
    const walk = (node) => {
      if (node.nodeType === 3) {
        if (!node.data.length) return;
        if (pendingBreak && text.length && !text.endsWith("\n")) text += "\n";
        pendingBreak = false;
        segs.push({ node, start: text.length, end: text.length + node.data.length });
        text += node.data.replace(/\u00a0/g, " ");
        return;
      }
      if (node.nodeType !== 1) return;
      if (node.tagName === "BR") {
        if (!isPlaceholderBr(node, root)) text += "\n";
        pendingBreak = false;
        return;
      }
      if (node.tagName === "STYLE" || node.tagName === "SCRIPT") return;
      const block = isBlock(node);
      if (block && text.length && !text.endsWith("\n")) text += "\n";
      if (block) pendingBreak = false;
      for (let c = node.firstChild; c; c = c.nextSibling) walk(c);
      if (block) pendingBreak = true;
    };
    for (let c = root.firstChild; c; c = c.nextSibling) walk(c);
    return { text, segs };
  }

  /** DOM position of text offset `pos`; `atEnd` prefers the end of the text before it. */
  function locate(model, pos, atEnd) {
    const { segs } = model;
    let best = null;
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      if (pos < s.start) { best = best || (atEnd && i > 0 ? { node: segs[i - 1].node, offset: segs[i - 1].node.data.length } : { node: s.node, offset: 0 }); break; }
      if (pos <= s.end) {
        if (!atEnd && pos === s.end && segs[i + 1] && segs[i + 1].start === pos) continue;
        return { node: s.node, offset: pos - s.start };
      }
    }
    if (best) return best;
    const last = segs[segs.length - 1];
    return last ? { node: last.node, offset: last.node.data.length } : null;
  }

  function rangeFor(model, start, end) {
    const a = locate(model, start, false), b = locate(model, end, true);
    if (!a || !b) return null;
    const r = document.createRange();
    r.setStart(a.node, a.offset);
    r.setEnd(b.node, b.offset);
    return r;
  }

  // ---------- transport ----------

  function askService(request) {
    return new Promise((resolve) => {
      try {
        chrome.runtime.sendMessage({ type: "critique", request }, (res) => {
          const err = chrome.runtime.lastError;
          resolve(err ? { ok: false, unreachable: true, error: err.message } : (res || { ok: false, error: "no answer" }));
        });
      } catch (err) {
        resolve({ ok: false, unreachable: true, error: String(err?.message || err) });
      }
    });
  }

  // ---------- ignored rules ----------

  const ignored = new Set();
  const storage = globalThis.chrome?.storage?.local;
  function loadIgnored() {
    if (storage) return storage.get({ [IGNORE_KEY]: [] }).then((v) => { v[IGNORE_KEY].forEach((r) => ignored.add(r)); });
    try { JSON.parse(localStorage.getItem(IGNORE_KEY) || "[]").forEach((r) => ignored.add(r)); } catch { /* none */ }
    return Promise.resolve();
  }
  function saveIgnored() {
    const list = [...ignored].sort();
    if (storage) storage.set({ [IGNORE_KEY]: list });
    else try { localStorage.setItem(IGNORE_KEY, JSON.stringify(list)); } catch { /* blocked */ }
  }

  // ---------- one compose window ----------

  const composers = new Map();
  let current = null;

  class Composer {
    constructor(body) {
      this.body = body;
      this.subject = findSubject(body);
      this.seq = 0;
      this.critique = null;
      this.model = null;
      this.ranges = [];
      this.state = "checking";
      this.timer = null;
      this.observer = new MutationObserver(() => this.schedule());
      this.observer.observe(body, { childList: true, subtree: true, characterData: true });
      this.onInput = () => this.schedule();
      this.onFocus = () => { current = this; panel.render(); };
      body.addEventListener("input", this.onInput);
      body.addEventListener("focus", this.onFocus);
      this.subject?.addEventListener("input", this.onInput);
      this.check();
    }

    schedule() {
      this.seq++; // an answer for the text before this edit must not place ranges (live ones already moved)
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.check(), DEBOUNCE_MS);
    }

    async check() {
      clearTimeout(this.timer);
      const seq = ++this.seq;
      const model = buildText(this.body);
      const subject = this.subject?.value || "";
      if (!model.text.trim() && !subject.trim()) {
        this.critique = null; this.ranges = []; this.state = "empty";
        paintHighlights(); panel.render();
        return;
      }
      this.state = "checking";
      if (current === this) panel.render();
      const request = { subject, body: model.text, format: "text" };
      const quick = await askService({ ...request, llm: "off" });
      if (seq !== this.seq) return;
      this.accept(quick, model);
      if (!quick.ok) return;
      const full = await askService({ ...request, llm: "auto" });
      if (seq !== this.seq || !full.ok) return;
      this.accept(full, model);
    }

    accept(res, model) {
      if (!res.ok) {
        this.state = res.auth ? "auth" : res.unreachable ? "unreachable" : "error";
        this.error = res.error;
        this.critique = null; this.ranges = [];
      } else {
        this.state = "ready";
        this.critique = res.critique;
        this.model = model;
        this.ranges = (res.critique.findings || []).filter((f) => f.field === "body").flatMap((f) => {
          if (model.text.slice(f.start_utf16, f.end_utf16) !== f.quote) return [];
          const range = rangeFor(model, f.start_utf16, f.end_utf16);
          return range ? [{ finding: f, range }] : [];
        });
      }
      if (!current || !composers.has(current.body) || document.activeElement === this.body) current = this;
      paintHighlights();
      panel.render();
    }

    /** Replace a finding's words in place, after checking they are still there. */
    apply(f, replacement) {
      const field = f.field;
      if (field === "subject") {
        const el = this.subject;
        if (!el || el.value.slice(f.start_utf16, f.end_utf16) !== f.quote) return refuse();
        el.focus();
        el.setSelectionRange(f.start_utf16, f.end_utf16);
        const want = el.value.slice(0, f.start_utf16) + replacement + el.value.slice(f.end_utf16);
        const done = replacement === "" ? document.execCommand("delete") : document.execCommand("insertText", false, replacement);
        if (!done || el.value !== want) { el.value = want; el.dispatchEvent(new Event("input", { bubbles: true })); }
        this.check();
        return { ok: true };
      }
      const model = buildText(this.body);
      if (model.text.slice(f.start_utf16, f.end_utf16) !== f.quote) return refuse();
      const range = rangeFor(model, f.start_utf16, f.end_utf16);
      if (!range) return refuse();
      this.body.focus();
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      // execCommand goes through the editor, so Gmail sees the edit and Ctrl+Z undoes it.
      let done = false;
      try { done = replacement === "" ? document.execCommand("delete") : document.execCommand("insertText", false, replacement); } catch { done = false; }
      if (!done) {
        range.deleteContents();
        if (replacement) range.insertNode(document.createTextNode(replacement));
        this.body.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertReplacementText" }));
      }
      this.check();
      return { ok: true };

      function refuse() {
        panel.notice("The draft changed since it was checked: re-checking.");
        current?.check();
        return { ok: false, reason: "changed" };
      }
    }

    detach() {
      this.observer.disconnect();
      clearTimeout(this.timer);
      this.body.removeEventListener("input", this.onInput);
      this.body.removeEventListener("focus", this.onFocus);
      this.subject?.removeEventListener("input", this.onInput);
      this.ranges = [];
    }
  }

  function findSubject(body) {
    let n = body;
    for (let i = 0; i < 20 && n; i++, n = n.parentElement) {
      const s = n.querySelector?.(SUBJECT_SELECTOR);
      if (s) return s;
    }
    return null;
  }

  function visible(f) {
    return !ignored.has(f.rule);
  }

  function paintHighlights() {
    if (!globalThis.CSS?.highlights || typeof Highlight === "undefined") return;
    const groups = { error: [], warning: [], suggestion: [] };
    for (const c of composers.values()) {
      for (const { finding, range } of c.ranges) if (visible(finding)) (groups[finding.severity] || groups.suggestion).push(range);
    }
    for (const [sev, name] of Object.entries(HIGHLIGHT)) {
      if (groups[sev].length) {
        const hl = new Highlight(...groups[sev]);
        hl.priority = SEVERITY_RANK[sev];
        CSS.highlights.set(name, hl);
      } else CSS.highlights.delete(name);
    }
  }

  // ---------- the panel (shadow DOM; all draft text as text nodes) ----------

  const PANEL_CSS = `
    :host { all: initial; }
    .wrap { position: fixed; right: 16px; bottom: 16px; z-index: 2147483000; width: 340px; max-height: min(70vh, 640px);
      display: flex; flex-direction: column; font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
      color: #1d2330; background: #fff; border: 1px solid #e3e7ee; border-radius: 12px; box-shadow: 0 8px 30px rgba(20,30,50,.18); overflow: hidden; }
    .wrap.collapsed { width: auto; }
    .wrap.collapsed .main { display: none; }
    header { display: flex; align-items: center; gap: 8px; padding: 8px 10px; border-bottom: 1px solid #e3e7ee; background: #f6f8fb; }
    .title { font-weight: 650; flex: 1; }
    .score { font-weight: 700; padding: 1px 8px; border-radius: 999px; background: #e3e7ee; }
    .score.good { background: #e3f4ea; color: #23854a; } .score.fair { background: #fff3e0; color: #b8650a; } .score.poor { background: #fdecea; color: #c7322b; }
    button { font: inherit; cursor: pointer; }
    .toggle, .recheck { border: 1px solid #d6dbe4; background: #fff; border-radius: 6px; padding: 2px 8px; font-size: 12px; }
    .main { overflow: auto; padding: 8px 10px 10px; display: grid; gap: 8px; }
    .status { font-size: 12px; color: #5c6677; }
    .status.unreachable, .status.error { color: #c7322b; font-weight: 600; }
    .notice { font-size: 12px; background: #fff8db; color: #6b5200; padding: 4px 8px; border-radius: 6px; }
    h3 { margin: 4px 0 0; font-size: 11px; text-transform: uppercase; letter-spacing: .07em; color: #5c6677; }
    .finding { border: 1px solid #e3e7ee; border-left: 3px solid #2f6fb3; border-radius: 8px; padding: 7px 9px; display: grid; gap: 4px; }
    .finding.error { border-left-color: #c7322b; } .finding.warning { border-left-color: #b8650a; }
    .msg { font-weight: 600; margin: 0; }
    .quote { margin: 0; font-size: 12px; background: #f5f7fa; padding: 3px 6px; border-radius: 4px; white-space: pre-wrap; overflow-wrap: anywhere; }
    .why { margin: 0; font-size: 12px; color: #5c6677; }
    .actions { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
    .apply { border: 1px solid #2f5bd3; background: #2f5bd3; color: #fff; border-radius: 6px; padding: 2px 8px; font-size: 12px; text-align: left; }
    .apply.delete { background: #fff; color: #c7322b; border-color: #eab6b2; }
    .ignore, .unignore { margin-left: auto; border: 0; background: none; color: #5c6677; font-size: 12px; text-decoration: underline; }
    details { font-size: 12px; color: #5c6677; }
  `;

  const panel = {
    host: null, root: null, collapsed: false, noticeText: "",
    ensure() {
      if (this.host?.isConnected) return;
      this.host = document.createElement("div");
      this.host.id = "outreach-critic-panel";
      this.root = this.host.attachShadow({ mode: "open" });
      // A constructed stylesheet: no <style> element, so Gmail's style-src CSP does not apply.
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(PANEL_CSS);
      this.root.adoptedStyleSheets = [sheet];
      document.documentElement.append(this.host);
    },
    notice(text) {
      this.noticeText = text;
      this.render();
      setTimeout(() => { if (this.noticeText === text) { this.noticeText = ""; this.render(); } }, 6000);
    },
    render() {
      if (!composers.size) { this.host?.remove(); return; }
      this.ensure();
      const c = current && composers.has(current.body) ? current : composers.values().next().value;
      const crit = c.critique;
      const score = crit?.scores?.overall;
      const cls = typeof score === "number" ? (score >= 80 ? "good" : score >= 60 ? "fair" : "poor") : "";
      const kids = [
        el("div", { class: `wrap${this.collapsed ? " collapsed" : ""}`, "data-state": c.state },
          el("header", {},
            el("span", { class: "title" }, "Outreach critic"),
            typeof score === "number" ? el("span", { class: `score ${cls}`, title: "Overall score" }, String(score)) : null,
            el("button", { class: "recheck", type: "button", onclick: () => c.check() }, "Re-check"),
            el("button", { class: "toggle", type: "button", "aria-expanded": String(!this.collapsed), onclick: () => { this.collapsed = !this.collapsed; this.render(); } }, this.collapsed ? "Show" : "Hide")),
          el("div", { class: "main" },
            el("div", { class: `status ${c.state}` }, statusText(c)),
            this.noticeText ? el("div", { class: "notice", role: "alert" }, this.noticeText) : null,
            crit ? findingsList(c, crit) : null,
            ignoredList())),
      ];
      this.root.replaceChildren(...kids.filter(Boolean));
    },
  };

  function statusText(c) {
    if (c.state === "checking") return "Checking…";
    if (c.state === "empty") return "Start writing: findings appear here.";
    if (c.state === "auth") return "Enter your API key in the extension's settings (toolbar icon → Outreach critic).";
    if (c.state === "unreachable") return `Critic service unreachable (${c.error || "no answer"}). Set its URL in the extension's options.`;
    if (c.state === "error") return `The critic could not check this draft: ${c.error || "error"}`;
    const s = c.critique?.llm?.status;
    if (s === "ok" || s === "cached") return "Checked (rules + LLM).";
    if (s === "off" || s === "unconfigured" || !s) return "Checked (rules).";
    return `Checked (rules; LLM unavailable${c.critique?.llm?.reason ? `: ${c.critique.llm.reason}` : ""}).`;
  }

  function findingsList(c, crit) {
    const list = (crit.findings || []).filter(visible);
    if (!list.length) return el("div", { class: "status" }, "Nothing to fix.");
    const groups = new Map();
    for (const f of list) { if (!groups.has(f.rubric)) groups.set(f.rubric, []); groups.get(f.rubric).push(f); }
    const frag = document.createDocumentFragment();
    for (const [rubric, fs] of groups) {
      frag.append(el("h3", {}, RUBRIC_LABELS[rubric] || rubric));
      fs.sort((a, b) => (SEVERITY_RANK[b.severity] || 0) - (SEVERITY_RANK[a.severity] || 0));
      for (const f of fs) {
        frag.append(el("div", { class: `finding ${f.severity}`, "data-rule": f.rule, "data-rubric": f.rubric, "data-severity": f.severity },
          el("p", { class: "msg" }, f.message || f.rule),
          f.quote ? el("p", { class: "quote" }, `“${f.quote}”`) : null,
          f.why ? el("p", { class: "why" }, f.why) : null,
          el("div", { class: "actions" },
            (f.replacements || []).map((r) => el("button", {
              class: r === "" ? "apply delete" : "apply", type: "button", "data-replacement": r,
              onclick: () => c.apply(f, r),
            }, r === "" ? "Delete" : r)),
            el("button", { class: "ignore", type: "button", onclick: () => { ignored.add(f.rule); saveIgnored(); paintHighlights(); panel.render(); } }, "Ignore"))));
      }
    }
    return frag;
  }

  function ignoredList() {
    if (!ignored.size) return null;
    return el("details", {}, el("summary", {}, `${ignored.size} ignored`),
      [...ignored].sort().map((r) => el("div", { "data-ignored-rule": r }, r, " ",
        el("button", { class: "unignore", type: "button", onclick: () => { ignored.delete(r); saveIgnored(); paintHighlights(); panel.render(); } }, "Un-ignore"))));
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k.startsWith("on") && typeof v === "function") e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  // ---------- finding compose windows ----------

  function scan() {
    for (const body of document.querySelectorAll(BODY_SELECTOR)) {
      if (!composers.has(body) && !body.closest("#outreach-critic-panel")) {
        const c = new Composer(body);
        composers.set(body, c);
        if (!current) current = c;
      }
    }
    for (const [body, c] of composers) {
      if (!body.isConnected) { c.detach(); composers.delete(body); if (current === c) current = null; }
    }
    paintHighlights();
    panel.render();
  }

  let scanTimer = null;
  const pageObserver = new MutationObserver(() => {
    if (scanTimer) return;
    scanTimer = setTimeout(() => { scanTimer = null; scan(); }, 300);
  });

  loadIgnored().finally(() => {
    scan();
    pageObserver.observe(document.body || document.documentElement, { childList: true, subtree: true });
  });

  // For tests and debugging: the text model and the live state (the isolated world keeps this from Gmail's own scripts).
  globalThis.__outreachCriticGmail = { buildText, rangeFor, composers, scan, highlightNames: HIGHLIGHT };
})();
