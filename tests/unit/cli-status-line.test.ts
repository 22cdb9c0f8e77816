// The status line long CLI commands draw on a terminal: text with its elapsed time, redrawn in
// place on stderr and erased; nothing at all when stderr is not a terminal.
import test from 'ava';
import type { CliIo } from '../../src/cli/cli-context.js';
import { StatusLine } from '../../src/cli/progress.js';

function io(tty: boolean): CliIo & { written: string[]; printed: string[] } {
  const written: string[] = [];
  const printed: string[] = [];
  return { cwd: '.', tty, written, printed, out: (s) => void printed.push(s), err: (s) => void written.push(s) };
}

test('on a terminal: the text with the time since it was first shown, then erased', (t) => {
  const term = io(true);
  let now = 1_000;
  const status = new StatusLine(term, () => now);
  status.show('up 001_users');
  now = 2_500;
  status.show('up 001_users');
  now = 3_000;
  status.show('up 002_posts');
  status.clear();
  t.deepEqual(term.written, ['\r\x1b[Kup 001_users (0.0 s)', '\r\x1b[Kup 001_users (1.5 s)', '\r\x1b[Kup 002_posts (0.0 s)', '\r\x1b[K']);
  t.deepEqual(term.printed, [], 'stdout stays plain');
  status.clear();
  t.is(term.written.length, 4, 'clearing twice erases once');
});

test('not on a terminal: nothing is drawn', (t) => {
  const pipe = io(false);
  const status = new StatusLine(pipe);
  status.show('reading tables 1/3');
  status.clear();
  t.deepEqual(pipe.written, []);
});
