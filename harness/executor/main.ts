// The executor process: `node --import tsx harness/executor/main.ts --workspace DIR`.
//
// Reads one JSON Request per line on stdin and writes exactly one JSON
// Response per line on stdout, in order. Nothing else goes to stdout;
// diagnostics go to stderr. Exits at stdin EOF after closing its fds and
// directory streams. Only stdin/stdout/stderr are used, so the same program
// runs unchanged at the end of `ssh host node ...`.
//
// The process runs with umask 0 so that the modes in requests are the modes
// created, whatever umask the caller had.

import fs from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';
import { isRoot, restoreRoot } from './cred.ts';
import { ExecutorServer } from './executor.ts';
import { applyV8Flags, V8_FLAGS_ENV } from '../v8-flags.ts';

function usage(msg: string): never {
  process.stderr.write(`executor: ${msg}\nusage: main.ts --workspace DIR\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): { workspace: string } {
  let workspace: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--workspace') workspace = argv[++i];
    else if (a !== undefined && a.startsWith('--workspace=')) workspace = a.slice('--workspace='.length);
    else usage(`unknown argument ${a}`);
  }
  if (workspace === undefined || workspace === '') usage('--workspace DIR is required');
  return { workspace };
}

/** Writes all of `s` to fd 1, synchronously: the answer is out before the next request is read. */
function writeOut(s: string): void {
  const buf = Buffer.from(s, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
  }
}

function main(): void {
  applyV8Flags(process.env[V8_FLAGS_ENV]);
  const { workspace } = parseArgs(process.argv.slice(2));
  let executor: ExecutorServer;
  try {
    executor = new ExecutorServer(workspace);
  } catch (e) {
    usage(e instanceof Error ? e.message : String(e));
  }
  process.umask(0);
  if (isRoot()) restoreRoot();

  let done = false;
  const finish = (code: number): void => {
    if (done) return;
    done = true;
    executor.shutdown();
    process.exit(code);
  };

  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  rl.on('line', (line) => {
    if (done || line.trim() === '') return;
    const response = executor.handleLine(line);
    try {
      writeOut(JSON.stringify(response) + '\n');
    } catch (e) {
      // The reader is gone (EPIPE): nobody to answer to.
      process.stderr.write(`executor: cannot write response: ${e instanceof Error ? e.message : String(e)}\n`);
      finish(1);
    }
  });
  rl.on('close', () => finish(0));
  process.stdin.on('error', (e) => {
    process.stderr.write(`executor: stdin: ${e.message}\n`);
    finish(1);
  });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(sig, () => finish(128 + os.constants.signals[sig]));
  }
}

main();
