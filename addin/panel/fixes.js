/**
 * The score change each fix would make, shown on its Apply button before it is pressed: the service critiques
 * the draft with the fix applied (rules only, the same rule settings) and the panel shows the difference in the
 * overall score. Computed when a card opens, once per fix per check.
 */
import { fixKey } from "./card-view.js";
import { spliceText } from "./host.js";

export class FixPreviews {
  constructor(panel) {
    this.panel = panel;
    this.deltas = new Map();
    this.base = undefined;
  }

  /** A new check started: old deltas belong to old text. */
  reset() {
    this.deltas = new Map();
    this.base = undefined;
    this.basePromise = null;
  }

  hasBase() {
    return typeof this.base === "number";
  }

  /** The rules-only overall score of the checked draft (null: not known yet, ask the service). */
  setBase(score) {
    this.base = typeof score === "number" ? score : null;
  }

  async _baseScore(request) {
    if (this.hasBase()) return this.base;
    this.basePromise ||= this.panel.client.critique({ ...request, llm: "off" }).then((c) => (this.base = c.scores?.overall));
    return this.basePromise;
  }

  /** The request for the checked draft with one fix made, or null when the text does not hold the quote. */
  async _fixedRequest(f, replacement) {
    const { request, critique, client } = this.panel;
    const out = { ...request, llm: "off" };
    if (f.field === "subject") {
      const subject = critique.text?.subject ?? "";
      if (subject.slice(f.start_utf16, f.end_utf16) !== f.quote) return null;
      out.subject = spliceText(subject, f.start_utf16, f.end_utf16, replacement);
    } else if (request.format === "html") {
      out.body = (await client.edit({ body: request.body, start: f.start, end: f.end, quote: f.quote, replacement })).body;
    } else {
      if (request.body.slice(f.start_utf16, f.end_utf16) !== f.quote) return null;
      out.body = spliceText(request.body, f.start_utf16, f.end_utf16, replacement);
    }
    return out;
  }

  /** Fill in the deltas of every fix on `card`, redrawing it as they arrive. */
  async preview(card) {
    if (!card || !this.panel.request) return;
    const deltas = this.deltas;
    const jobs = [];
    for (const f of card.findings) {
      for (const r of f.replacements || []) {
        const key = fixKey(f, r);
        if (deltas.has(key)) continue;
        deltas.set(key, "pending");
        jobs.push(this._one(f, r).then((d) => deltas.set(key, d), () => deltas.set(key, "error")));
      }
    }
    if (!jobs.length) return;
    this.panel.redrawCard(card.key);
    await Promise.all(jobs);
    if (deltas === this.deltas) this.panel.redrawCard(card.key);
  }

  async _one(f, replacement) {
    const fixed = await this._fixedRequest(f, replacement);
    if (!fixed) return "error";
    const [base, after] = await Promise.all([this._baseScore(this.panel.request), this.panel.client.critique(fixed)]);
    const score = after.scores?.overall;
    return typeof score === "number" && typeof base === "number" ? score - base : "error";
  }
}
