/**
 * The shared critique panel. Mount it next to any draft through a host adapter (see host.js):
 *
 *   import { createPanel } from "/panel/panel.js";
 *   const panel = createPanel(document.getElementById("panel"), { adapter, settings });
 *
 * It checks the draft when mounted, when the adapter reports a change (debounced) and on Re-check; shows
 * heuristic results at once and the LLM's when the stream delivers them; asks for an API key when the service
 * wants one. Cards, fixes and ignores are in cards.js / card-view.js / fixes.js.
 */
import { AuthRequired, createClient, originOf, ServiceUnreachable } from "./api.js";
import { groupCards, cardAt, inboxPreview, spanKey } from "./cards.js";
import { renderCards, renderCard, renderInbox } from "./card-view.js";
import { FixPreviews } from "./fixes.js";
import { assertAdapter, CHANGED_MESSAGE } from "./host.js";
import { IgnoreStore } from "./ignore-store.js";
import { h, renderIgnored, renderPreview, renderRewrite, renderRoleStrip, renderScores, renderStrengths } from "./render.js";
import { LocalSettings, renderSettings } from "./settings.js";

const LLM_DONE = new Set(["ok", "cached"]);
export const LLM_QUIET = new Set(["off", "unconfigured"]);
const LLM_WAITING = new Set(["pending", "running", "thinking", "queued"]);

export function createPanel(root, options = {}) {
  const panel = new Panel(root, options);
  panel.start();
  return panel;
}

export class Panel {
  constructor(root, { adapter, client, baseUrl = "", settings, ignoreStore, debounceMs = 350, llm = "auto", stream = true, recipient, rules } = {}) {
    this.root = root;
    this.adapter = assertAdapter(adapter);
    this.fixedClient = client || null;
    this.baseOverride = baseUrl || "";
    this.settings = settings || new LocalSettings();
    this.client = client || createClient(baseUrl);
    this.ignore = ignoreStore || new IgnoreStore();
    this.debounceMs = debounceMs;
    this.llm = llm;
    this.stream = stream;
    this.recipient = recipient;
    this.rules = rules;
    this.catalogue = new Map();
    this.seq = 0;
    this.checks = 0;
    this.critique = null;
    this.cards = [];
    this.openKey = null;
    this.stale = false;
    this.controller = null;
    this.timer = null;
    this.fixes = new FixPreviews(this);
    this._build();
  }

  async start() {
    this.unsubscribe = this.adapter.onChange(() => this.scheduleCheck());
    this.unpick = this.adapter.onPick?.(({ field, offset }) => {
      const card = cardAt(this.cards, field, offset);
      if (card) this.openCard(card.key, { scroll: true });
    });
    await this.connect();
    this.check();
  }

  destroy() {
    this.unsubscribe?.();
    this.unpick?.();
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  /** (Re)build the client from the stored settings, then load the rule catalogue (titles, configurable ids). */
  async connect() {
    if (!this.fixedClient) {
      const s = await this.settings.load().catch(() => ({}));
      this.saved = { serviceUrl: s.serviceUrl || "", apiKey: s.apiKey || "" };
      // The key belongs to the service it was saved for: a ?service= override elsewhere does not get it.
      const keyOrigin = originOf(`${this.saved.serviceUrl || ""}/`);
      this.client = createClient(this.baseOverride || this.saved.serviceUrl, { auth: { key: this.saved.apiKey, origin: keyOrigin } });
      this.root.dataset.key = this.saved.apiKey ? "saved" : "none";
    }
    try {
      const rules = await this.client.rules();
      this.catalogue = new Map(rules.map((r) => [r.id, r]));
    } catch { /* titles fall back to rule ids; the check reports why the service is unhappy */ }
  }

  ruleOf = (id) => this.catalogue.get(id);

  _build() {
    this.root.classList.add("oc-panel");
    this.recheckBtn = h("button", { type: "button", class: "oc-recheck", title: "Check the draft again", onclick: () => this.check() }, "Re-check");
    this.settingsBtn = h("button", { type: "button", class: "oc-icon-btn oc-settings-btn", title: "Service and API key", "aria-label": "Settings", onclick: () => this.showSettings("") }, "⚙");
    this.statusEl = h("div", { class: "oc-status", role: "status", "aria-live": "polite" });
    this.noticeEl = h("div", { class: "oc-notice", role: "alert", hidden: true });
    this.bodyEl = h("div", { class: "oc-content" });
    this.root.replaceChildren(
      h("header", { class: "oc-header" },
        h("div", { class: "oc-brand" }, h("span", { class: "oc-logo", "aria-hidden": "true" }, "✉"), h("span", {}, "Outreach critic")),
        h("div", { class: "oc-header-tools" }, this.settingsBtn, this.recheckBtn)),
      this.statusEl, this.noticeEl, this.bodyEl);
    this._status("idle", "");
  }

  _status(state, text, { llm } = {}) {
    this.root.dataset.state = state;
    if (llm !== undefined) this.root.dataset.llm = llm;
    const kids = [];
    if (state === "checking" || llm === "thinking") kids.push(h("span", { class: "oc-spinner", "aria-hidden": "true" }));
    kids.push(h("span", { class: "oc-status-text" }, text));
    if (state === "unreachable" || state === "error") {
      kids.push(h("button", { type: "button", class: "oc-btn-secondary oc-retry", onclick: () => this.check() }, "Retry"));
    }
    this.statusEl.className = `oc-status oc-status-${llm === "thinking" ? "thinking" : llm === "unavailable" && state === "ready" ? "degraded" : state}`;
    this.statusEl.replaceChildren(...kids);
  }

  /** A short message; `undo` adds an Undo button that calls it. */
  notify(message, { undo } = {}) {
    clearTimeout(this._noticeTimer);
    this.noticeEl.hidden = !message;
    this.noticeEl.replaceChildren(h("span", {}, message || ""),
      ...(undo ? [h("button", { type: "button", class: "oc-undo", onclick: () => { this.notify(""); undo(); } }, "Undo")] : []));
    if (message) this._noticeTimer = setTimeout(() => { this.noticeEl.hidden = true; }, undo ? 12000 : 8000);
  }

  _notify(message) {
    this.notify(message);
  }

  /** The settings form: reason "missing" / "rejected" when the service wants a key, "" when opened by hand. */
  showSettings(reason) {
    this.settingsOpen = true;
    this.controller?.abort();
    const store = this.settings;
    this.bodyEl.replaceChildren(renderSettings({
      serviceUrl: this.saved?.serviceUrl || "",
      hasKey: !!this.saved?.apiKey,
      reason,
      where: store.where,
      defaultUrl: originOf("/"),
      openExternal: store.openExternal ? () => store.openExternal() : null,
      onSave: async ({ serviceUrl, apiKey, keepKey }) => {
        await store.save({ serviceUrl, apiKey: keepKey ? this.saved?.apiKey || "" : apiKey });
        this.notify("Settings saved.");
        await this.settingsChanged();
      },
      onCancel: reason ? null : () => { this.settingsOpen = false; this.critique ? this._render(this.root.dataset.phase || "final") : this.check(); },
    }));
  }

  /** The service URL or key changed (in this panel's form, or in the host's own settings page): reconnect, check. */
  async settingsChanged() {
    this.settingsOpen = false;
    await this.connect();
    this.check();
  }

  scheduleCheck() {
    // Results for the text before this edit would be stale on arrival: drop them, check again after the pause.
    this.seq++;
    this.controller?.abort();
    this.stale = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), this.debounceMs);
  }

  /** Rules off for this request: the configured ones plus every ignored rule the service can turn off. */
  requestRules() {
    const out = { ...(this.rules || {}) };
    for (const id of this.ignore.list()) if (this.catalogue.get(id)?.configurable) out[id] = "off";
    return Object.keys(out).length ? out : null;
  }

  async check() {
    if (this.settingsOpen && this.root.dataset.state === "auth") return;
    clearTimeout(this.timer);
    this.controller?.abort();
    const controller = (this.controller = new AbortController());
    const seq = ++this.seq;
    let draft;
    try {
      draft = await this.adapter.readDraft();
    } catch (err) {
      if (seq === this.seq) this._status("error", `Cannot read the draft: ${err?.message || err}`);
      return;
    }
    if (seq !== this.seq) return;
    const body = draft.format === "html" ? (draft.bodyHtml ?? "") : (draft.bodyText ?? "");
    if (!String(draft.subject || "").trim() && !String(draft.bodyText ?? body).trim()) {
      this.critique = null;
      this.cards = [];
      this.adapter.showHighlights?.([]);
      this._status("empty", "Start writing: the critique appears here.", { llm: "" });
      this.bodyEl.replaceChildren(h("div", { class: "oc-empty" }, "Write or paste a draft to see what a stranger would think of it."));
      return;
    }
    this._status("checking", "Checking…");
    const request = { subject: draft.subject || "", body, format: draft.format === "html" ? "html" : "text", llm: this.llm };
    const rules = this.requestRules();
    if (rules) request.rules = rules;
    if (this.recipient) request.recipient = this.recipient;
    const started = performance.now();
    const onResult = (critique, phase) => {
      if (seq !== this.seq) return;
      if (phase === "heuristic" || LLM_QUIET.has(critique.llm?.status)) this.fixes.setBase(critique.scores?.overall);
      else if (phase === "final" && !this.fixes.hasBase()) this.fixes.setBase(null);
      this.stale = false;
      this.critique = critique;
      this.request = request;
      this.checks++;
      this.root.dataset.checks = String(this.checks);
      this.root.dataset.phase = phase;
      this.lastMs = Math.round(performance.now() - started);
      this._render(phase);
    };
    this.fixes.reset();
    try {
      if (this.stream) {
        await this.client.critiqueStream(request, {
          signal: controller.signal,
          onHeuristic: (c) => onResult(c, "heuristic"),
          onFinal: (c) => onResult(c, "final"),
        });
      } else {
        onResult(await this.client.critique(request, { signal: controller.signal }), "final");
      }
    } catch (err) {
      if (err?.name === "AbortError" || seq !== this.seq) return;
      if (err instanceof AuthRequired) {
        this.root.dataset.key = err.hadKey ? "rejected" : "none";
        this.adapter.showHighlights?.([]);
        this._status("auth", err.hadKey ? "Your API key was not accepted." : "Enter your API key to check drafts.", { llm: "" });
        this.showSettings(err.hadKey ? "rejected" : "missing");
      } else if (err instanceof ServiceUnreachable) {
        this._status("unreachable", `Service unreachable${this.client.baseUrl ? ` at ${this.client.baseUrl}` : ""}. Is \`critic serve\` running?`, { llm: "" });
      } else {
        this._status("error", `The service could not check this draft: ${err?.message || err}`, { llm: "" });
      }
    }
  }

  /** The findings the user has not ignored. */
  visibleFindings() {
    const ignored = new Set(this.ignore.list());
    return (this.critique?.findings || []).filter((f) => !ignored.has(f.rule));
  }

  _llmState(phase) {
    const llm = this.critique?.llm || {};
    const status = llm.status || "";
    if (phase === "heuristic" && !LLM_DONE.has(status) && !LLM_QUIET.has(status)) return ["thinking", "LLM still thinking…"];
    if (LLM_WAITING.has(status)) return ["thinking", "LLM still thinking…"];
    if (LLM_DONE.has(status)) return ["ok", status === "cached" ? "Checked (LLM, cached)" : "Checked (rules + LLM)"];
    if (LLM_QUIET.has(status)) return ["off", status === "off" ? "Checked (rules only; LLM off)" : "Checked (rules only; no LLM configured)"];
    return ["unavailable", `LLM unavailable${llm.reason ? `: ${llm.reason}` : ""}. Showing rule-based checks.`];
  }

  _cardOpts() {
    return {
      ruleOf: this.ruleOf,
      openKey: this.openKey,
      deltas: this.fixes.deltas,
      actions: {
        onToggle: (key) => (this.openKey === key ? this.closeCard() : this.openCard(key)),
        onApply: (f, r) => this.apply(f, r),
        onIgnore: (f) => this.setIgnored(f.rule, true),
        onHover: (key) => this.focus(key),
      },
    };
  }

  _render(phase) {
    if (this.settingsOpen) return;
    const c = this.critique;
    const [llmState, llmText] = this._llmState(phase);
    this._status("ready", llmText, { llm: llmState });
    const findings = this.visibleFindings();
    this.cards = groupCards(findings);
    if (this.openKey && !this.cards.some((k) => k.key === this.openKey)) this.openKey = null;
    const spans = findings.map((f) => ({
      key: spanKey(f), field: f.field, start_utf16: f.start_utf16, end_utf16: f.end_utf16, severity: f.severity, rule: f.rule,
      quote: f.quote, message: f.message, title: this.ruleOf(f.rule)?.title,
    }));
    const inline = !!this.adapter.capabilities?.inlineHighlights;
    this.bodyEl.replaceChildren(...[
      renderScores(c),
      renderRoleStrip(c),
      renderInbox(inboxPreview(c)),
      renderCards(this.cards, this._cardOpts()),
      renderStrengths(c),
      renderRewrite(c, { onCopy: (t) => navigator.clipboard?.writeText(t).then(() => this.notify("Rewrite copied."), () => this.notify("Copy failed: select the text instead.")) }),
      inline ? null : renderPreview(c, spans, { onPick: (key) => this.openCard(key, { scroll: true }) }),
      renderIgnored(this.ignore.list(), (rule) => this.setIgnored(rule, false), (id) => this.ruleOf(id)?.title || id),
      h("footer", { class: "oc-footer" }, `${c.stats?.words ?? "?"} words · ${c.stats?.reading_time_seconds ?? "?"} s to read · checked in ${this.lastMs} ms`),
    ].filter(Boolean));
    this.adapter.showHighlights?.(spans);
    if (this.openKey) this.fixes.preview(this.cards.find((k) => k.key === this.openKey));
  }

  /** Re-draw one card where it stands (opening, closing, a score change arriving). */
  redrawCard(key) {
    const card = this.cards.find((c) => c.key === key);
    const el = [...this.bodyEl.querySelectorAll(".oc-card")].find((e) => e.dataset.key === key);
    if (card && el) el.replaceWith(renderCard(card, { ...this._cardOpts(), open: key === this.openKey }));
  }

  openCard(key, { scroll = false } = {}) {
    const card = this.cards.find((c) => c.key === key);
    if (!card) return;
    const previous = this.openKey;
    this.openKey = key;
    if (previous && previous !== key) this.redrawCard(previous);
    this.redrawCard(key);
    const el = [...this.bodyEl.querySelectorAll(".oc-card")].find((e) => e.dataset.key === key);
    if (scroll && el) el.scrollIntoView({ block: "nearest", behavior: "smooth" });
    this.fixes.preview(card);
  }

  closeCard() {
    const key = this.openKey;
    this.openKey = null;
    if (key) this.redrawCard(key);
  }

  /** Marks the hovered card's words in the draft (and in the pane's copy of it). */
  focus(key) {
    this.adapter.focusSpan?.(key);
    for (const m of this.bodyEl.querySelectorAll(".oc-preview mark")) m.classList.toggle("oc-focus", !!key && m.dataset.key === key);
  }

  setIgnored(rule, ignored) {
    if (ignored) this.ignore.add(rule);
    else this.ignore.remove(rule);
    if (ignored) {
      const title = this.ruleOf(rule)?.title || rule;
      this.notify(`Ignoring “${title}” on this device.`, { undo: () => this.setIgnored(rule, false) });
    }
    if (this.catalogue.get(rule)?.configurable) this.check(); // re-score without (or with) the rule
    else if (this.critique) this._render(this.root.dataset.phase || "final");
  }

  async apply(finding, replacement) {
    if (this.stale) {
      this.notify(CHANGED_MESSAGE);
      this.check();
      return { ok: false, reason: "changed" };
    }
    let result;
    try {
      result = await this.adapter.applyReplacement({
        field: finding.field,
        start: finding.start,
        end: finding.end,
        start_utf16: finding.start_utf16,
        end_utf16: finding.end_utf16,
        expected: finding.quote,
        replacement,
        client: this.client,
      });
    } catch (err) {
      result = { ok: false, reason: "error", message: String(err?.message || err) };
    }
    this.root.dataset.lastApply = result?.ok ? "ok" : (result?.reason || "refused");
    if (!result?.ok) {
      this.notify(result?.message || (result?.reason === "changed" ? CHANGED_MESSAGE : "Could not apply that fix."));
      if (result?.reason === "changed") this.check();
      return result;
    }
    this.notify("");
    this.openKey = null;
    // Every other span is stale now: check again before anything else is applied.
    this.stale = true;
    this.check();
    return result;
  }
}
