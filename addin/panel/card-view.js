/**
 * The cards: one compact line per span (severity dot, human title, the quoted words) that opens on click to the
 * plain-words message, why, the fixes (each with the score change it makes) and Ignore. The rule id stays one
 * hover away (and in the details line) for whoever configures rules.
 */
import { snippet } from "./cards.js";
import { h, SEVERITY_LABELS } from "./render.js";

/** The key a fix's score change is stored under. */
export function fixKey(f, replacement) {
  return `${f.rule}|${f.field}|${f.start_utf16}|${replacement}`;
}

/** What the card says for a finding: the rule's plain message (the model's own for LLM findings), and the specific one. */
export function messages(f, rule) {
  const plain = f.source === "llm" || !rule?.message ? f.message || "" : rule.message;
  return { plain, specific: f.message && f.message !== plain ? f.message : "" };
}

function deltaLabel(d) {
  if (d === undefined || d === "pending") return { text: "…", cls: "oc-delta-pending" };
  if (typeof d !== "number") return { text: "", cls: "oc-delta-none" };
  if (d > 0) return { text: `+${d}`, cls: "oc-delta-up" };
  if (d < 0) return { text: `${d}`, cls: "oc-delta-down" };
  return { text: "±0", cls: "oc-delta-zero" };
}

function renderItem(f, { ruleOf, deltas, actions, several }) {
  const rule = ruleOf(f.rule);
  const { plain, specific } = messages(f, rule);
  const sev = f.severity || "suggestion";
  const fixes = (f.replacements || []).map((r) => {
    const d = deltaLabel(deltas.get(fixKey(f, r)));
    return h("button", {
      type: "button",
      class: r === "" ? "oc-apply oc-apply-delete" : "oc-apply",
      title: r === "" ? `Delete “${f.quote}”` : `Replace “${f.quote}” with “${r}”`,
      dataset: { replacement: r, delta: typeof deltas.get(fixKey(f, r)) === "number" ? String(deltas.get(fixKey(f, r))) : "" },
      onclick: (ev) => { ev.stopPropagation(); actions.onApply(f, r); },
    }, h("span", { class: "oc-apply-text" }, r === "" ? "Delete" : r), d.text ? h("span", { class: `oc-delta ${d.cls}`, title: "Overall score after this fix" }, d.text) : null);
  });
  return h("div", { class: `oc-finding oc-sev-${sev}`, dataset: { rule: f.rule, rubric: f.rubric, severity: sev, field: f.field, source: f.source || "" } },
    several ? h("h4", { class: "oc-item-title" }, h("span", { class: `oc-dot oc-sev-${sev}`, "aria-hidden": "true" }), rule?.title || f.rule) : null,
    h("p", { class: "oc-msg" }, plain),
    rule?.why || f.why ? h("p", { class: "oc-why" }, f.source === "llm" ? f.why || "" : rule?.why || f.why) : null,
    h("div", { class: "oc-actions" },
      fixes,
      h("button", { type: "button", class: "oc-ignore", title: `Stop flagging “${rule?.title || f.rule}” on this device`, onclick: (ev) => { ev.stopPropagation(); actions.onIgnore(f); } }, "Ignore")),
    h("p", { class: "oc-details" },
      h("span", { class: "oc-badge-text" }, `${SEVERITY_LABELS[sev] || sev}${f.source === "llm" ? " · model" : ""}`), " · ",
      h("code", { class: "oc-rule", title: "Rule id, for configuration" }, f.rule),
      specific ? h("span", { class: "oc-specific" }, ` · ${specific}`) : null));
}

/** One card for the findings on one span. */
export function renderCard(card, { ruleOf, open, deltas, actions }) {
  const top = card.findings[0];
  const title = ruleOf(top.rule)?.title || top.rule;
  const quote = card.field === "subject" && !card.quote ? "(no subject)" : snippet(card.quote, 48);
  const more = card.findings.length - 1;
  const headId = `oc-card-${card.key.replace(/[^a-z0-9]/gi, "-")}`;
  return h("article", {
    class: `oc-card oc-sev-${card.severity}${open ? " oc-open" : ""}`,
    dataset: { key: card.key, rule: top.rule, rules: card.findings.map((f) => f.rule).join(" "), severity: card.severity, field: card.field },
    onmouseenter: () => actions.onHover(card.key),
    onmouseleave: () => actions.onHover(null),
  },
  h("button", {
    type: "button", class: "oc-card-head", id: headId, "aria-expanded": String(!!open),
    title: card.findings.map((f) => f.rule).join(", "),
    onclick: () => actions.onToggle(card.key),
  },
  h("span", { class: `oc-dot oc-sev-${card.severity}`, role: "img", "aria-label": SEVERITY_LABELS[card.severity] || card.severity }),
  h("span", { class: "oc-card-title" }, title),
  h("span", { class: "oc-card-quote" }, card.field === "subject" ? h("span", { class: "oc-field" }, "Subject") : null, quote ? `“${quote}”` : ""),
  more > 0 ? h("span", { class: "oc-card-more", title: `${more} more on these words` }, `+${more}`) : null),
  open ? h("div", { class: "oc-card-body", role: "region", "aria-labelledby": headId },
    card.findings.map((f) => renderItem(f, { ruleOf, deltas, actions, several: card.findings.length > 1 }))) : null);
}

/** All cards, or the all-clear. */
export function renderCards(cards, opts) {
  if (!cards.length) {
    return h("div", { class: "oc-empty" }, h("strong", {}, "Nothing to fix."), " No rule flagged this draft.");
  }
  const counts = cards.reduce((n, c) => ({ ...n, [c.severity]: (n[c.severity] || 0) + 1 }), {});
  const summary = ["error", "warning", "suggestion"].filter((s) => counts[s])
    .map((s) => `${counts[s]} ${s === "error" ? "serious" : s === "warning" ? "to fix" : "to consider"}`).join(" · ");
  return h("section", { class: "oc-cards" },
    h("h3", { class: "oc-group-head" }, h("span", {}, `${cards.length} ${cards.length === 1 ? "suggestion" : "suggestions"}`), h("span", { class: "oc-count" }, summary)),
    cards.map((c) => renderCard(c, { ...opts, open: c.key === opts.openKey })));
}

/** What the reader's inbox shows before they open the email, with a hint when pleasantries use it up. */
export function renderInbox(preview) {
  if (!preview.subject && !preview.text) return null;
  const hint = preview.spentOn === "pleasantry"
    ? "Your preview is spent on pleasantries: open with why you are writing to them."
    : preview.spentOn === "greeting"
      ? "Your preview is mostly greeting: get to your point sooner."
      : "";
  return h("section", { class: "oc-inbox", dataset: { spent: preview.spentOn } },
    h("h3", { class: "oc-group-head" }, h("span", {}, "Inbox preview")),
    h("div", { class: "oc-inbox-row" },
      h("div", { class: "oc-inbox-subject" }, preview.subject || "(no subject)"),
      h("div", { class: "oc-inbox-text" }, preview.text)),
    hint ? h("p", { class: "oc-inbox-hint" }, hint) : null);
}
