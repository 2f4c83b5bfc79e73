#!/usr/bin/env node
'use strict';
// CommonJS on purpose: Node's ESM loader starts libuv's thread pool while it loads an ES module
// entry point, and the pool's size is read only then.
//
// node:crypto verifications and file reads run on that pool. Its default of four threads on a
// two-core machine takes CPU from the main thread, which parses the documents; one thread fewer
// than the cores keeps every core busy (measured by `npm run bench`). A user's own setting wins.
const { readdirSync, writeSync } = require('node:fs');
const { availableParallelism, setPriority } = require('node:os');
const { join } = require('node:path');

process.env.UV_THREADPOOL_SIZE ??= String(Math.max(1, availableParallelism() - 1));

// The threads that exist this early are V8's helpers (optimising compilation, concurrent garbage
// collection). In a short batch they took a third of the CPU from the threads doing the work
// (the main thread, the reading thread, the mathematics on libuv's pool), which start later and
// keep their priority. At the lowest priority the helpers use a core when one is free: 2,000
// statements about 15 % faster, one document and 10,000 unchanged (docs/benchmarks.md). Linux
// only: there a thread's niceness is its own, and /proc/self/task lists exactly this process's
// threads; elsewhere setpriority would take the id for a process's.
if (process.platform === 'linux') {
  try {
    for (const task of readdirSync('/proc/self/task')) {
      if (Number(task) !== process.pid) setPriority(Number(task), 19);
    }
  } catch {
    // no /proc, or not permitted: the helpers keep their priority, which is merely slower
  }
}

// `pledge --version` alone needs no option table: the answer commander's would print, sooner.
// Written to the descriptor, as src/cli/standard-streams.ts writes the help: making process.stdout
// for a pipe costs more than the rest of this answer. A reader that went away (pledge -V | true)
// is no error; a full non-blocking pipe (EAGAIN) leaves it to the stream; anything else, exit 2.
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-V')) {
  const text = `${require('../package.json').version}\n`;
  try {
    writeSync(1, text);
  } catch (error) {
    if (error.code === 'EAGAIN') process.stdout.write(text);
    else if (error.code !== 'EPIPE') {
      // As src/cli/standard-streams.ts says it: a full disk is the user's to know, not a stack trace.
      process.stderr.write(`pledge: cannot write to standard output: ${error.message}\n`);
      process.exitCode = 2;
    }
  }
} else {
  // The bundle (scripts/bundle.mjs), compiled from its V8 code cache (scripts/code-cache.cjs).
  const { load } = require('../dist/bundle/code-cache.cjs');
  load(join(__dirname, '..', 'dist', 'bundle', 'pledge.cjs')).main(process.argv);
}
