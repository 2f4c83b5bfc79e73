// openpgp.js's build carries noble-ciphers' AES, whose four lookup tables (two of 65,536 32-bit
// entries, one of 65,536 16-bit, per direction) are computed when the module is evaluated:
// about 3.5 ms of every run that loads openpgp.js, for a cipher that verification never uses.
// This rewrites the two table constants of the minified build so that each is computed on its
// first use. Every use destructures the table object (`const { sbox2, T01, T23 } = table`), so
// an object of getters over the computed one reads the same arrays.

/** The fields noble-ciphers' genTtable returns. */
const FIELDS = ['sbox', 'sbox2', 'T0', 'T1', 'T2', 'T3', 'T01', 'T23'];
/** An expression, so that it fits where the call stood, with no declaration to place in the file. */
const LAZY = `((make)=>{let table;const lazy={};for(const field of ${JSON.stringify(FIELDS)})Object.defineProperty(lazy,field,{enumerable:true,get:()=>(table??=make())[field]});return lazy})`;

/** The index just past the parenthesis that closes the one opened at `open`. */
function closingParenthesis(text, open) {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === '(') depth++;
    else if (text[index] === ')' && --depth === 0) return index + 1;
  }
  return -1;
}

/**
 * The text of openpgp.js's minified CommonJS build with its AES tables made lazy. Throws where
 * the build no longer has the shape this expects (one table generator, called for two tables,
 * with arguments free of strings): a newer openpgp.js needs this file updated, not a silent skip.
 */
export function lazyAesTables(text) {
  const generators = [...text.matchAll(/function (\w+)\(\w+,\w+\)\{if\(256!==\w+\.length\)throw Error\("Wrong sbox length"\)/g)];
  if (generators.length !== 1) throw new Error(`scripts/bundle/lazy-aes-tables.mjs: ${generators.length} AES table generators in openpgp.js's build, expected 1: update this file`);
  const name = generators[0][1];
  const calls = [...text.matchAll(new RegExp(`=/\\* @__PURE__ \\*/${name}\\(`, 'g'))];
  if (calls.length !== 2) throw new Error(`scripts/bundle/lazy-aes-tables.mjs: ${calls.length} AES tables in openpgp.js's build, expected 2: update this file`);
  let patched = '';
  let from = 0;
  for (const call of calls) {
    const start = call.index + 1; // after '='
    const end = closingParenthesis(text, call.index + call[0].length - 1);
    const expression = text.slice(start, end);
    if (end < 0 || /["'`]/.test(expression)) throw new Error(`scripts/bundle/lazy-aes-tables.mjs: an AES table's arguments are not as expected (${expression.slice(0, 80)}): update this file`);
    patched += `${text.slice(from, start)}${LAZY}(()=>${expression})`;
    from = end;
  }
  return patched + text.slice(from);
}
