/**
 * The text of a Gmail compose box as its reader sees it, with a map back to the DOM.
 *
 * Text nodes in order; <br> and block boundaries become "\n" (a <br> that only keeps a non-empty block open
 * counts for nothing); no-break spaces become spaces; one UTF-16 unit per unit, so the critique's
 * start_utf16/end_utf16 index this text and map straight back to DOM Ranges.
 */

const BLOCKS = new Set(["DIV", "P", "LI", "UL", "OL", "BLOCKQUOTE", "PRE", "H1", "H2", "H3", "H4", "H5", "H6", "TABLE", "TR", "SECTION", "ARTICLE", "HEADER", "FOOTER", "HR"]);

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

/** {text, segs: [{node, start, end}]} for a compose body: the text and where each text node's units sit in it. */
export function buildText(root) {
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

/** DOM position of text offset `pos`; `atEnd` prefers the end of the text node before it. */
function locate(model, pos, atEnd) {
  const { segs } = model;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (pos < s.start) {
      return atEnd && i > 0 ? { node: segs[i - 1].node, offset: segs[i - 1].node.data.length } : { node: s.node, offset: 0 };
    }
    if (pos <= s.end) {
      if (!atEnd && pos === s.end && segs[i + 1] && segs[i + 1].start === pos) continue;
      return { node: s.node, offset: pos - s.start };
    }
  }
  const last = segs[segs.length - 1];
  return last ? { node: last.node, offset: last.node.data.length } : null;
}

/** A DOM Range over text offsets [start, end), or null for an empty box. */
export function rangeFor(model, start, end) {
  const a = locate(model, start, false), b = locate(model, end, true);
  if (!a || !b) return null;
  const r = document.createRange();
  r.setStart(a.node, a.offset);
  r.setEnd(b.node, b.offset);
  return r;
}

/** The text offset of a DOM position inside a text node of the box (a caret after a click), or null. */
export function offsetAt(model, node, offset) {
  const seg = model.segs.find((s) => s.node === node);
  return seg ? seg.start + Math.min(offset, seg.end - seg.start) : null;
}
