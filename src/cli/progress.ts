import type { CliIo } from './cli-context.js';

/** How often the status line is redrawn, so its elapsed time keeps moving during a long step. */
const REDRAW_MS = 100;

/**
 * The status line of a long command on a terminal: `reading tables 25/80 (1.4 s)`, redrawn in
 * place on stderr with the time since the step began, and erased before the next plain line. When
 * stderr is not a terminal (CI logs, pipes) it draws nothing: commands print plain lines to stdout
 * either way, so scripts see the same output whatever runs them.
 *
 * @example
 * const status = new StatusLine(io);
 * status.show('up 20240101_add_users');   // redrawn with its elapsed time until...
 * status.clear();                         // ...the step is done
 */
export class StatusLine {
  #text = '';
  #since = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly io: CliIo,
    private readonly now: () => number = Date.now,
  ) {}

  /** Shows `text` with the time since the first `show` of the same text. */
  show(text: string): void {
    if (!this.io.tty) return;
    if (text !== this.#text) {
      this.#text = text;
      this.#since = this.now();
    }
    this.draw();
    if (!this.#timer) {
      this.#timer = setInterval(() => this.draw(), REDRAW_MS);
      // A status line must never keep the process alive.
      this.#timer.unref?.();
    }
  }

  /** Erases the line and stops redrawing. */
  clear(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.io.tty && this.#text) this.io.err('\r\x1b[K');
    this.#text = '';
  }

  private draw(): void {
    const seconds = ((this.now() - this.#since) / 1000).toFixed(1);
    this.io.err(`\r\x1b[K${this.#text} (${seconds} s)`);
  }
}
