'use strict';
// Loads a CommonJS bundle of dist/bundle/ the way Node's require() would, but compiled from the
// V8 code cache the build left beside it (`<file>.cache`, scripts/bundle.mjs): compiling the CLI
// and openpgp.js is about a third of a one-document run, and Node 20 has no compile cache of its
// own (module.enableCompileCache() came in Node 22). Copied to dist/bundle/ by the build.
//
// V8 checks the cache against its own version, its flags and the source's length, and compiles
// from source when any differs (another Node than the one that built it, say). It does not read
// the source itself: the build deletes dist/bundle/ and writes each file with its cache, and a
// file edited by hand needs its `.cache` deleted (or `npm run build`).
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname } = require('node:path');
const { Script, constants } = require('node:vm');

/** Every bundle loaded in this thread, by file: the build writes their caches after a run. */
const loaded = new Map();

/** The module.exports of the CommonJS file `file`, loaded once per thread. */
function load(file) {
  const known = loaded.get(file);
  if (known) return known.module.exports;
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    // no cache (a build that made none): compile from source
  }
  // One line of wrapper, as Node's own: line numbers in stack traces stay the bundle's.
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(wrapper, { filename: file, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  const module = { exports: {} };
  loaded.set(file, { script, module, cached: cachedData !== undefined });
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}

/** How each loaded bundle was compiled: from its cache, or from source (no cache, or V8 refused it). */
function cacheUse() {
  return [...loaded].map(([file, { script, cached }]) => ({ file, compiled: !cached ? 'from source: no cache' : script.cachedDataRejected ? 'from source: cache refused' : 'from cache' }));
}

/** For the build: writes each loaded bundle's cache, holding every function compiled so far. */
function writeCaches() {
  for (const [file, { script }] of loaded) writeFileSync(`${file}.cache`, script.createCachedData());
}

module.exports = { load, cacheUse, writeCaches };
