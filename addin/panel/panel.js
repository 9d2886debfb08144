/**
 * The shared critique panel. Mount it next to any draft through a host adapter (see host.js):
 *
 *   import { createPanel } from "/panel/panel.js";
 *   const panel = createPanel(document.getElementById("panel"), { adapter, baseUrl: "" });
 *
 * It checks the draft when mounted, when the adapter reports a change (debounced) and on Re-check;
 * shows heuristic results at once and the LLM's when the stream delivers them.
 */
import { createClient, ServiceUnreachable } from "./api.js";
import { assertAdapter, CHANGED_MESSAGE } from "./host.js";
import { IgnoreStore } from "./ignore-store.js";
import {
  h, renderFindings, renderIgnored, renderPreview, renderRewrite, renderRoleStrip, renderScores, renderStrengths,
} from "./render.js";

const LLM_DONE = new Set(["ok", "cached"]);
const LLM_QUIET = new Set(["off", "unconfigured"]);
const LLM_WAITING = new Set(["pending", "running", "thinking", "queued"]);

export function createPanel(root, options = {}) {
  const panel = new Panel(root, options);
  panel.start();
  return panel;
}

export class Panel {
  constructor(root, { adapter, client, baseUrl = "", ignoreStore, debounceMs = 350, llm = "auto", stream = true, recipient, rules } = {}) {
    this.root = root;
    this.adapter = assertAdapter(adapter);
    this.client = client || createClient(baseUrl);
    this.ignore = ignoreStore || new IgnoreStore();
    this.debounceMs = debounceMs;
    this.llm = llm;
    this.stream = stream;
    this.recipient = recipient;
    this.rules = rules;
    this.seq = 0;
    this.checks = 0;
    this.critique = null;
    this.stale = false;
    this.controller = null;
    this.timer = null;
    this.notice = null;
    this._build();
  }

  start() {
    this.unsubscribe = this.adapter.onChange(() => this.scheduleCheck());
    this.check();
  }

  destroy() {
    this.unsubscribe?.();
    clearTimeout(this.timer);
    this.controller?.abort();
  }

  _build() {
    this.root.classList.add("oc-panel");
    this.recheckBtn = h("button", { type: "button", class: "oc-recheck", title: "Check the draft again", onclick: () => this.check() }, "Re-check");
    this.statusEl = h("div", { class: "oc-status", role: "status", "aria-live": "polite" });
    this.noticeEl = h("div", { class: "oc-notice", role: "alert", hidden: true });
    this.bodyEl = h("div", { class: "oc-content" });
    this.root.replaceChildren(
      h("header", { class: "oc-header" },
        h("div", { class: "oc-brand" }, h("span", { class: "oc-logo", "aria-hidden": "true" }, "✉"), h("span", {}, "Outreach critic")),
        this.recheckBtn),
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

  _notify(message) {
    clearTimeout(this._noticeTimer);
    this.noticeEl.hidden = !message;
    this.noticeEl.replaceChildren(document.createTextNode(message || ""));
    if (message) this._noticeTimer = setTimeout(() => { this.noticeEl.hidden = true; }, 8000);
  }

  scheduleCheck() {
    // Results for the text before this edit would be stale on arrival: drop them, check again after the pause.
    this.seq++;
    this.controller?.abort();
    this.stale = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), this.debounceMs);
  }

  async check() {
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
      this.adapter.showHighlights?.([]);
      this._status("empty", "Start writing: the critique appears here.", { llm: "" });
      this.bodyEl.replaceChildren(h("div", { class: "oc-empty" }, "Write or paste a draft to see what a stranger would think of it."));
      return;
    }
    this._status("checking", "Checking…");
    const request = { subject: draft.subject || "", body, format: draft.format === "html" ? "html" : "text", llm: this.llm };
    if (this.rules) request.rules = this.rules;
    if (this.recipient) request.recipient = this.recipient;
    const started = performance.now();
    const onResult = (critique, phase) => {
      if (seq !== this.seq) return;
      this.stale = false;
      this.critique = critique;
      this.checks++;
      this.root.dataset.checks = String(this.checks);
      this.root.dataset.phase = phase;
      this.lastMs = Math.round(performance.now() - started);
      this._render(phase);
    };
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
      if (err instanceof ServiceUnreachable) {
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

  _render(phase) {
    const c = this.critique;
    const [llmState, llmText] = this._llmState(phase);
    this._status("ready", llmText, { llm: llmState });
    const findings = this.visibleFindings();
    const actions = {
      onApply: (f, r) => this.apply(f, r),
      onIgnore: (rule) => this.setIgnored(rule, true),
      onReveal: this.adapter.reveal ? (f) => this.adapter.reveal(f) : null,
    };
    const spans = findings.map((f) => ({
      field: f.field, start_utf16: f.start_utf16, end_utf16: f.end_utf16, severity: f.severity, rule: f.rule, quote: f.quote, message: f.message,
    }));
    const inline = !!this.adapter.capabilities?.inlineHighlights;
    this.bodyEl.replaceChildren(...[
      renderScores(c),
      renderRoleStrip(c),
      this.adapter.capabilities?.applyNeedsSelection && findings.some((f) => f.replacements?.length)
        ? h("p", { class: "oc-hint" }, "To apply a fix, select the quoted words in your draft, then press its button.") : null,
      renderFindings(c, findings, actions, { applyDisabled: false }),
      renderStrengths(c),
      renderRewrite(c, { onCopy: (t) => navigator.clipboard?.writeText(t).then(() => this._notify("Rewrite copied."), () => this._notify("Copy failed: select the text instead.")) }),
      inline ? null : renderPreview(c, spans),
      renderIgnored(this.ignore.list(), (rule) => this.setIgnored(rule, false)),
      h("footer", { class: "oc-footer" }, `${c.stats?.words ?? "?"} words · ${c.stats?.reading_time_seconds ?? "?"} s to read · checked in ${this.lastMs} ms`),
    ].filter(Boolean));
    this.adapter.showHighlights?.(spans);
  }

  setIgnored(rule, ignored) {
    if (ignored) this.ignore.add(rule);
    else this.ignore.remove(rule);
    if (this.critique) this._render(this.root.dataset.phase || "final");
  }

  async apply(finding, replacement) {
    if (this.stale) {
      this._notify(CHANGED_MESSAGE);
      this.check();
      return { ok: false, reason: "changed" };
    }
    let result;
    try {
      result = await this.adapter.applyReplacement({
        field: finding.field,
        start_utf16: finding.start_utf16,
        end_utf16: finding.end_utf16,
        expected: finding.quote,
        replacement,
      });
    } catch (err) {
      result = { ok: false, reason: "error", message: String(err?.message || err) };
    }
    this.root.dataset.lastApply = result?.ok ? "ok" : (result?.reason || "refused");
    if (!result?.ok) {
      this._notify(result?.message || (result?.reason === "changed" ? CHANGED_MESSAGE : "Could not apply that fix."));
      if (result?.reason === "changed") this.check();
      return result;
    }
    this._notify("");
    // Every other span is stale now: check again before anything else is applied.
    this.stale = true;
    this.check();
    return result;
  }
}
