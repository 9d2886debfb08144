/**
 * From findings to cards: one card per span of words (several findings on the same words become one card, the
 * worst first), in the order the words appear (subject first). Plus the inbox preview: what the reader's inbox
 * shows before they open the email.
 */

export const SEVERITY_RANK = { error: 3, warning: 2, suggestion: 1 };
export const PREVIEW_CHARS = 90;

/** The key of a finding's span: field and UTF-16 offsets. */
export function spanKey(f) {
  return `${f.field}:${f.start_utf16}:${f.end_utf16}`;
}

/** [{key, field, start_utf16, end_utf16, quote, severity, findings}] in reading order. */
export function groupCards(findings) {
  const byKey = new Map();
  for (const f of findings) {
    const key = spanKey(f);
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key).push(f);
  }
  const cards = [...byKey.entries()].map(([key, list]) => {
    const sorted = list.slice().sort((a, b) => (SEVERITY_RANK[b.severity] || 0) - (SEVERITY_RANK[a.severity] || 0)
      || (b.replacements?.length ? 1 : 0) - (a.replacements?.length ? 1 : 0));
    const top = sorted[0];
    return { key, field: top.field, start_utf16: top.start_utf16, end_utf16: top.end_utf16, quote: top.quote, severity: top.severity, findings: sorted };
  });
  return cards.sort((a, b) => (a.field === b.field ? 0 : a.field === "subject" ? -1 : 1)
    || a.start_utf16 - b.start_utf16 || b.end_utf16 - a.end_utf16);
}

/** The card whose words hold `offset` in `field`: the narrowest such span (a phrase inside a flagged sentence wins). */
export function cardAt(cards, field, offset) {
  let best = null;
  for (const c of cards) {
    if (c.field !== field || offset < c.start_utf16 || offset > c.end_utf16) continue;
    if (!best || c.end_utf16 - c.start_utf16 < best.end_utf16 - best.start_utf16) best = c;
  }
  return best;
}

/** "Hope this finds you well!" shortened to about `max` characters on a word boundary, whitespace collapsed. */
export function snippet(text, max = 60) {
  const flat = String(text || "").replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?]+$/, "")}…`;
}

/**
 * The inbox preview: {subject, text, spentOn, spentChars} where text is the first ~90 characters of the body as an
 * inbox shows them (lines joined by spaces), and spentOn says what uses a good part of them up: "pleasantry" (a
 * quarter or more on pleasantries), "greeting" (half or more on the greeting) or "".
 */
export function inboxPreview(critique, max = PREVIEW_CHARS) {
  const body = critique.text?.body ?? "";
  const flat = body.replace(/\s+/g, " ").trim();
  const text = flat.length > max ? `${flat.slice(0, max).trimEnd()}…` : flat;
  // Where in the body the preview ends: count characters as the inbox shows them (a run of whitespace is one).
  let seen = 0, reach = 0;
  while (reach < body.length && seen < max) {
    if (!/\s/.test(body[reach]) || (reach > 0 && !/\s/.test(body[reach - 1]))) seen++;
    reach++;
  }
  const used = { greeting: 0, pleasantry: 0 };
  for (const s of critique.sentences || []) {
    if (!(s.role in used) || s.start_utf16 >= reach) continue;
    used[s.role] += Math.min(s.end_utf16, reach) - s.start_utf16;
  }
  const total = Math.max(1, Math.min(reach, flat.length));
  const spentOn = used.pleasantry >= total / 4 ? "pleasantry" : used.greeting >= total / 2 ? "greeting" : "";
  return { subject: critique.text?.subject ?? "", text, spentOn, spentChars: used.pleasantry + used.greeting };
}
