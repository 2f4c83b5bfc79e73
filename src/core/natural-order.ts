const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * Natural order, the same in every locale: runs of digits compare as numbers (`post-2` before
 * `post-10`, however long the run), everything else by UTF-16 code unit, as byte order did.
 * Names that differ only in leading zeros (`post-01`, `post-1`) fall back to code units, so the
 * order is total and a walk is the same on every machine.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(j);
    if (!isDigit(x) || !isDigit(y)) {
      if (x !== y) return x - y;
      i++;
      j++;
      continue;
    }
    let endA = i;
    let endB = j;
    while (endA < a.length && isDigit(a.charCodeAt(endA))) endA++;
    while (endB < b.length && isDigit(b.charCodeAt(endB))) endB++;
    // Leading zeros say nothing of the number; then the longer run is the larger number.
    while (i < endA - 1 && a.charCodeAt(i) === 48) i++;
    while (j < endB - 1 && b.charCodeAt(j) === 48) j++;
    if (endA - i !== endB - j) return endA - i - (endB - j);
    for (; i < endA; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return a.charCodeAt(i) - b.charCodeAt(j);
    j = endB;
  }
  const rest = a.length - i - (b.length - j);
  if (rest !== 0) return rest;
  return a < b ? -1 : a > b ? 1 : 0;
}
