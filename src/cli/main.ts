#!/usr/bin/env node
// The `joinery` executable (package.json `bin`).
import { runCli } from './program.js';

const io = {
  cwd: process.cwd(),
  tty: process.stderr.isTTY === true,
  out: (text: string) => void process.stdout.write(text),
  err: (text: string) => void process.stderr.write(text),
};

void runCli(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
  // Pools are closed by then; anything a config or entity file left open (a timer, a socket) must
  // not keep the command from ending. Unref'd, so a normal exit is not delayed.
  setTimeout(() => process.exit(code), 1000).unref();
});
