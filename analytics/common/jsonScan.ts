/**
 * One pass over a JSON text, without recursion and without parsing it: how deep it nests, where
 * the elements of a top-level array begin and end, and whether a string may hold an unpaired
 * surrogate. The decoder runs it on a refused message: to keep a refused element as its own text
 * (never serialising untrusted values again) and to tell a too-deep one.
 */
export interface JsonShape {
  /** Deepest nesting of arrays and objects (a scalar is 0, `[1]` is 1). */
  depth: number;
  /** For a top-level array: each element's text is `text.slice(starts[i], ends[i])`, nesting `depths[i]`. */
  starts: number[];
  ends: number[];
  depths: number[];
  /** A `\u` escape of a surrogate code unit occurs: a string may hold an unpaired surrogate. */
  surrogateEscape: boolean;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

/** `\uD800`–`\uDFFF`: the escape's first hex digit is d or D and its second is 8 to f. */
function surrogateEscapeAt(text: string, u: number): boolean {
  const a = text.charCodeAt(u + 1);
  const b = text.charCodeAt(u + 2);
  return (a === 0x64 || a === 0x44) && isHex(b) && !(b >= 0x30 && b <= 0x37);
}

/**
 * Scans `text`. Malformed JSON gives some shape (JSON.parse judges it afterwards); the scan only
 * promises never to throw and to be exact for text that parses.
 */
export function scanJson(text: string): JsonShape {
  const shape: JsonShape = { depth: 0, starts: [], ends: [], depths: [], surrogateEscape: false };
  const n = text.length;
  let depth = 0;
  const topArray = text.charCodeAt(firstNonSpace(text)) === OPEN_ARRAY;
  let elemStart = -1;
  let elemEnd = -1;
  let elemDepth = 0;
  // most payloads hold no backslash at all: one search, then strings are skipped with indexOf
  let nextBackslash = text.indexOf('\\');
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (depth === 1 && topArray && c !== COMMA && c !== CLOSE_ARRAY && elemStart < 0) {
      elemStart = i;
      elemDepth = 0;
    }
    if (c === QUOTE) {
      i = stringEnd(text, i, nextBackslash, shape);
      if (nextBackslash >= 0 && nextBackslash < i) nextBackslash = text.indexOf('\\', i);
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++;
      if (depth > shape.depth) shape.depth = depth;
      if (depth - 1 > elemDepth) elemDepth = depth - 1;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (depth === 1 && topArray && elemStart >= 0) {
        pushElement(shape, elemStart, elemEnd, elemDepth);
        elemStart = -1;
      }
      depth--;
    } else if (c === COMMA && depth === 1 && topArray) {
      if (elemStart >= 0) pushElement(shape, elemStart, elemEnd, elemDepth);
      elemStart = -1;
      continue;
    }
    if (depth >= 1) elemEnd = i + 1;
  }
  return shape;
}

function firstNonSpace(text: string): number {
  let i = 0;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function pushElement(shape: JsonShape, start: number, end: number, depth: number): void {
  shape.starts.push(start);
  shape.ends.push(Math.max(start + 1, end));
  shape.depths.push(depth);
}

/** The index of the quote that closes the string opening at `open` (or the text's last index). */
function stringEnd(text: string, open: number, nextBackslash: number, shape: JsonShape): number {
  let from = open + 1;
  let bs = nextBackslash;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q < 0) return text.length - 1;
    if (bs < 0 || bs > q) return q;
    if (bs < from) {
      bs = text.indexOf('\\', from);
      continue;
    }
    // an escape before the quote: step over it (it may escape the quote itself)
    if (text.charCodeAt(bs + 1) === 0x75 && surrogateEscapeAt(text, bs + 1)) shape.surrogateEscape = true;
    from = bs + 2;
    bs = text.indexOf('\\', from);
  }
}
