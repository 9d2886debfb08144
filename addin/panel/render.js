/**
 * DOM builders for the panel. Every piece of draft text goes in as a text node: nothing here
 * (or anywhere in the add-in) parses markup from the draft or from the service.
 */
import { wordDiff } from "./diff.js";

export const RUBRICS = ["empathy", "value_first", "imposition", "rapport", "clarity"];
export const RUBRIC_LABELS = {
  empathy: "Empathy",
  value_first: "Value first",
  imposition: "Imposition",
  rapport: "Rapport",
  clarity: "Clarity",
};
export const ROLE_LABELS = {
  greeting: "Greeting",
  pleasantry: "Pleasantry",
  about_reader: "About them",
  about_sender: "About you",
  value: "Value",
  proof: "Proof",
  ask: "Ask",
  sign_off: "Sign-off",
  other: "Other",
};
export const SEVERITY_RANK = { error: 3, warning: 2, suggestion: 1 };
export const SEVERITY_LABELS = { error: "Error", warning: "Warning", suggestion: "Suggestion" };

/** h("div", {class: "x", dataset: {rule: "r"}, onclick: fn}, "text", child) — text children become text nodes. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (k === "style") {
      // CSSOM, not a style attribute: allowed under the service's `style-src 'self'` CSP.
      for (const [prop, val] of Object.entries(v)) {
        if (prop.startsWith("--")) el.style.setProperty(prop, val);
        else el.style[prop] = val;
      }
    }
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function scoreClass(score) {
  if (typeof score !== "number") return "na";
  return score >= 80 ? "good" : score >= 60 ? "fair" : "poor";
}

/** Overall score dial and the five rubric bars. */
export function renderScores(critique) {
  const scores = critique.scores || {};
  const overall = scores.overall;
  const dial = h("div", {
    class: `oc-dial oc-${scoreClass(overall)}`,
    style: { "--pct": `${Math.max(0, Math.min(100, overall ?? 0))}` },
    role: "img",
    "aria-label": `Overall score ${overall ?? "unknown"} out of 100`,
    dataset: { score: String(overall ?? "") },
  }, h("span", { class: "oc-dial-num" }, String(overall ?? "–")), h("span", { class: "oc-dial-cap" }, "overall"));
  const rows = RUBRICS.filter((r) => r in scores).map((r) =>
    h("div", { class: `oc-rubric oc-${scoreClass(scores[r])}`, dataset: { rubric: r, score: String(scores[r]) } },
      h("span", { class: "oc-rubric-name" }, RUBRIC_LABELS[r] || r),
      h("span", { class: "oc-bar" }, h("span", { class: "oc-bar-fill", style: { width: `${scores[r]}%` } })),
      h("span", { class: "oc-rubric-num" }, String(scores[r]))));
  const notices = (critique.notices || []).map((n) =>
    h("p", { class: "oc-critique-notice", role: "note", dataset: { kind: n.kind || "" } }, n.message || ""));
  const confident = critique.confident !== false;
  const scoresEl = h("div", { class: `oc-scores${confident ? "" : " oc-unsure"}`, dataset: { confident: String(confident) } },
    dial, h("div", { class: "oc-rubrics" }, rows));
  // A critique of a language the rules do not cover says so before any number is read.
  return notices.length ? h("div", { class: "oc-scores-wrap" }, ...notices, scoresEl) : scoresEl;
}

/** The sentence-role strip: one coloured segment per sentence, titled with its role and text. */
export function renderRoleStrip(critique) {
  const body = critique.text?.body ?? "";
  const sentences = critique.sentences || [];
  if (!sentences.length) return null;
  const seen = new Set();
  const bar = h("div", { class: "oc-strip", role: "list", "aria-label": "Sentence roles, in order" },
    sentences.map((s) => {
      const text = body.slice(s.start_utf16, s.end_utf16).replace(/\s+/g, " ").trim();
      const role = s.role || "other";
      seen.add(role);
      return h("span", {
        class: `oc-seg oc-role-${role}`,
        role: "listitem",
        title: `${ROLE_LABELS[role] || role}: ${text}`,
        "aria-label": `${ROLE_LABELS[role] || role}: ${text}`,
        dataset: { role, index: String(s.index) },
        style: { flexGrow: String(Math.max(6, Math.min(120, text.length))) },
      });
    }));
  const legend = h("div", { class: "oc-legend" },
    Object.keys(ROLE_LABELS).filter((r) => seen.has(r)).map((r) =>
      h("span", { class: "oc-legend-item" }, h("span", { class: `oc-swatch oc-role-${r}` }), ROLE_LABELS[r])));
  return h("div", { class: "oc-strip-wrap" }, bar, legend);
}

/** Marks spans of `text` with <mark> elements (text nodes inside); overlapping spans take the worst severity. */
export function renderMarked(text, spans, { markClass = "oc-mark", focus = "" } = {}) {
  const frag = document.createDocumentFragment();
  const cuts = new Set([0, text.length]);
  const ok = spans.filter((s) => s.start_utf16 < s.end_utf16 && s.start_utf16 >= 0 && s.end_utf16 <= text.length);
  for (const s of ok) { cuts.add(s.start_utf16); cuts.add(s.end_utf16); }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i], b = points[i + 1];
    const piece = text.slice(a, b);
    const over = ok.filter((s) => s.start_utf16 <= a && s.end_utf16 >= b);
    if (!over.length) { frag.append(document.createTextNode(piece)); continue; }
    const worst = over.reduce((x, y) => ((SEVERITY_RANK[y.severity] || 0) > (SEVERITY_RANK[x.severity] || 0) ? y : x));
    const narrowest = over.reduce((x, y) => (y.end_utf16 - y.start_utf16 < x.end_utf16 - x.start_utf16 ? y : x));
    frag.append(h("mark", {
      class: `${markClass} oc-sev-${worst.severity}${focus && over.some((s) => s.key === focus) ? " oc-focus" : ""}`,
      dataset: { rules: over.map((s) => s.rule).join(" "), start: String(a), end: String(b), key: narrowest.key || "" },
      title: over.map((s) => s.title || s.message || s.rule).join("\n"),
    }, piece));
  }
  return frag;
}

export function renderIgnored(rules, onUnignore, titleOf = (r) => r) {
  if (!rules.length) return null;
  return h("details", { class: "oc-ignored" },
    h("summary", {}, `${rules.length} ignored ${rules.length === 1 ? "rule" : "rules"}`),
    h("ul", {}, rules.map((r) => h("li", { dataset: { ignoredRule: r }, title: r },
      h("span", {}, titleOf(r)),
      h("button", { type: "button", class: "oc-unignore", onclick: () => onUnignore(r) }, "Un-ignore")))));
}

export function renderStrengths(critique) {
  const s = critique.strengths || [];
  if (!s.length) return null;
  return h("section", { class: "oc-strengths" }, h("h3", { class: "oc-group-head" }, h("span", {}, "What works")),
    h("ul", {}, s.map((x) => h("li", { dataset: { rubric: x.rubric, kind: x.kind } }, x.message || x.kind))));
}

function rewriteParts(critique) {
  const rw = critique.llm?.rewrite;
  if (!rw) return [];
  if (typeof rw === "string") return [{ label: "Body", before: critique.text?.body ?? "", after: rw }];
  const parts = [];
  if (typeof rw.subject === "string" && rw.subject !== (critique.text?.subject ?? "")) parts.push({ label: "Subject", before: critique.text?.subject ?? "", after: rw.subject });
  if (typeof rw.body === "string") parts.push({ label: "Body", before: critique.text?.body ?? "", after: rw.body });
  return parts;
}

/** The LLM's rewrite as a word diff against the checked draft, with a copy button. */
export function renderRewrite(critique, { onCopy } = {}) {
  const parts = rewriteParts(critique);
  if (!parts.length) return null;
  return h("section", { class: "oc-rewrite" },
    h("h3", { class: "oc-group-head" }, h("span", {}, "Suggested rewrite"), h("span", { class: "oc-badge oc-llm-badge" }, "LLM")),
    parts.map((p) => h("div", { class: "oc-rewrite-part", dataset: { part: p.label.toLowerCase() } },
      parts.length > 1 ? h("div", { class: "oc-field" }, p.label) : null,
      h("div", { class: "oc-diff" }, wordDiff(p.before, p.after).map((d) =>
        d.op === "same" ? document.createTextNode(d.text) : h(d.op === "ins" ? "ins" : "del", {}, d.text))))),
    onCopy ? h("button", { type: "button", class: "oc-btn-secondary", onclick: () => onCopy(parts.map((p) => p.after).join("\n\n")) }, "Copy rewrite") : null);
}

/**
 * The checked draft with the flagged words marked (for hosts that cannot highlight in place). A click on marked
 * words calls onPick(spanKey); `focus` is the key of the span to emphasise (the hovered card's).
 */
export function renderPreview(critique, spans, { onPick, focus = "" } = {}) {
  const subject = critique.text?.subject ?? "";
  const body = critique.text?.body ?? "";
  const pick = (ev) => {
    const mark = ev.target.closest?.("mark[data-key]");
    if (mark && onPick) onPick(mark.dataset.key);
  };
  return h("section", { class: "oc-preview", onclick: pick },
    h("h3", { class: "oc-group-head" }, h("span", {}, "Your draft")),
    subject ? h("div", { class: "oc-preview-subject" }, renderMarked(subject, spans.filter((s) => s.field === "subject"), { focus })) : null,
    h("div", { class: "oc-preview-body" }, renderMarked(body, spans.filter((s) => s.field === "body"), { focus })));
}
