/** A word diff (LCS over word and whitespace tokens) for showing the LLM's rewrite. */

export function tokenize(text) {
  return String(text).match(/\s+|[\p{L}\p{N}'’-]+|[^\s\p{L}\p{N}]/gu) || [];
}

/**
 * Returns [{op: "same"|"del"|"ins", text}] turning `a` into `b`. Falls back to one
 * delete + one insert when the texts are too long for the quadratic table.
 */
export function wordDiff(a, b, maxCells = 4_000_000) {
  const x = tokenize(a), y = tokenize(b);
  if (x.length * y.length > maxCells) return merge([{ op: "del", text: a }, { op: "ins", text: b }]);
  const n = x.length, m = y.length;
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = x[i] === y[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) { out.push({ op: "same", text: x[i] }); i++; j++; }
    else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) out.push({ op: "del", text: x[i++] });
    else out.push({ op: "ins", text: y[j++] });
  }
  while (i < n) out.push({ op: "del", text: x[i++] });
  while (j < m) out.push({ op: "ins", text: y[j++] });
  return merge(out);
}

function merge(parts) {
  const out = [];
  for (const p of parts) {
    if (!p.text) continue;
    const last = out[out.length - 1];
    if (last && last.op === p.op) last.text += p.text;
    else out.push({ ...p });
  }
  return out;
}
