/**
 * Marks flagged words in Gmail's compose boxes with the CSS Custom Highlight API: one named highlight per severity
 * (styled by highlights.css with ::highlight(...)), plus one for the span whose card is under the pointer. Nothing
 * is added to Gmail's DOM, so nothing of this reaches the email that is sent, and the Ranges are live: they follow
 * the user's edits until the next check replaces them.
 */

export const HIGHLIGHTS = {
  error: "outreach-critic-error",
  warning: "outreach-critic-warning",
  suggestion: "outreach-critic-suggestion",
  focus: "outreach-critic-focus",
};
const PRIORITY = { suggestion: 1, warning: 2, error: 3, focus: 4 };

export class HighlightPainter {
  constructor(registry = globalThis.CSS?.highlights) {
    this.registry = typeof Highlight === "undefined" ? null : registry;
    this.marks = new Map(); // owner (one compose box) -> [{key, severity, range}]
    this.focused = null;
  }

  /** Replaces the marks of one compose box ([] clears them). */
  set(owner, marks) {
    if (marks.length) this.marks.set(owner, marks);
    else this.marks.delete(owner);
    this.paint();
  }

  /** Emphasises the marks of span `key` in `owner` (null: none). */
  focus(owner, key) {
    this.focused = key ? { owner, key } : null;
    this.paint();
  }

  paint() {
    if (!this.registry) return;
    const groups = { error: [], warning: [], suggestion: [], focus: [] };
    for (const [owner, marks] of this.marks) {
      for (const m of marks) {
        (groups[m.severity] || groups.suggestion).push(m.range);
        if (this.focused?.owner === owner && this.focused.key === m.key) groups.focus.push(m.range);
      }
    }
    for (const [group, name] of Object.entries(HIGHLIGHTS)) {
      if (!groups[group].length) {
        this.registry.delete(name);
        continue;
      }
      const hl = new Highlight(...groups[group]);
      hl.priority = PRIORITY[group];
      this.registry.set(name, hl);
    }
  }
}
