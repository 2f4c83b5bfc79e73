#!/usr/bin/env node
'use strict';
// CommonJS on purpose: Node's ESM loader starts libuv's thread pool while it loads an ES module
// entry point, and the pool's size is read only then.
//
// node:crypto verifications and file reads run on that pool. Its default of four threads on a
// two-core machine takes CPU from the main thread, which parses the documents; one thread fewer
// than the cores keeps every core busy (measured by `npm run bench`). A user's own setting wins.
const { availableParallelism } = require('node:os');

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(1, availableParallelism() - 1));

// The esbuild bundle (scripts/bundle.mjs): a few files load faster than tsc's many modules.
import('../dist/bundle/pledge.js').then(({ main }) => main(process.argv));
