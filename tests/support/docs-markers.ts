/**
 * The pure half of the runnable-docs convention (tests/integration/docs-examples.test.ts runs the
 * other half): finding the ```ts blocks of a Markdown page with the marker line before each, and
 * cutting the shown region out of an example file.
 *
 * A page marks every ```ts block with the line right above its opening fence:
 *
 * - `<!-- example: examples/docs/<page>/<name>.ts -->`: the block is that file's `docs` region;
 * - `<!-- example: examples/docs/<page>/<name>.ts#<region> -->`: the block is the region named
 *   `docs:<region>` of that file (several blocks of one page can share one program);
 * - `<!-- not-run: <reason> -->`: the block is not a program (a signature, a config shape).
 *
 * @example
 * const { blocks, problems } = scanMarkdown(readFileSync('docs-site/errors.md', 'utf8'));
 * for (const b of blocks) if (b.marker.kind === 'example') extractRegion(source, b.marker.region);
 */

/** What the line above a ```ts block says about it. */
export type BlockMarker =
  | { kind: 'example'; file: string; region?: string }
  | { kind: 'not-run'; reason: string }
  | { kind: 'none' };

/** One ```ts block of a page. */
export interface CodeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The block's text, without the fences and without the fence's own indentation (list items). */
  code: string;
  marker: BlockMarker;
}

export interface ScannedPage {
  blocks: CodeBlock[];
  /** Markers that mark nothing, malformed markers: `line N: ...`. */
  problems: string[];
}

const TS_LANGS = new Set(['ts', 'typescript']);
const EXAMPLE_MARKER = /^<!--\s*example:\s*(.*?)\s*-->$/;
const NOT_RUN_MARKER = /^<!--\s*not-run:\s*(.*?)\s*-->$/;
const ANY_MARKER = /^<!--\s*(example|not-run)\b/;
const EXAMPLE_PATH = /^(examples\/[\w./-]+\.ts)(?:#([\w-]+))?$/;

/**
 * Every ```ts block of `markdown` with its marker. Fenced blocks of other languages are skipped (and
 * their contents never read as markers); a marker line that is not right above a ```ts fence, or
 * that cannot be parsed, is reported in `problems`.
 */
export function scanMarkdown(markdown: string): ScannedPage {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: CodeBlock[] = [];
  const problems: string[] = [];
  const usedMarkers = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const open = /^([ \t]*)(`{3,}|~{3,})[ \t]*([\w-]*)[^\n]*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open as unknown as [string, string, string, string];
    let close = i + 1;
    while (close < lines.length && !isClosingFence(lines[close]!, fence)) close++;
    if (close >= lines.length) {
      // Everything after it is code as far as Markdown is concerned: nothing more to check.
      problems.push(`line ${i + 1}: the ${fence}${lang} block is never closed`);
      return { blocks, problems };
    }
    if (TS_LANGS.has(lang)) {
      const markerLine = i - 1;
      const marker = markerLine >= 0 ? parseMarker(lines[markerLine]!.trim(), markerLine + 1, problems) : { kind: 'none' as const };
      if (marker.kind !== 'none') usedMarkers.add(markerLine);
      const code = lines
        .slice(i + 1, close)
        .map((l) => stripIndent(l, indent.length))
        .join('\n');
      blocks.push({ line: i + 1, code, marker });
    }
    i = close;
  }
  lines.forEach((l, i) => {
    if (ANY_MARKER.test(l.trim()) && !usedMarkers.has(i) && !problems.some((p) => p.startsWith(`line ${i + 1}:`))) {
      if (!insideFence(lines, i)) problems.push(`line ${i + 1}: "${l.trim()}" is not right above a \`\`\`ts block`);
    }
  });
  return { blocks, problems };
}

/**
 * The text a page must show for `file`'s region: the lines between `// #region docs` and
 * `// #endregion docs` (`// #region docs:<name>` ... for a named region), without their common
 * indentation, so a region inside `main()` reads as top-level code. A region may come in several
 * parts (the members of two classes, for a block that shows both sides of a relation): the parts
 * are joined in file order, each without its own indentation. Without `region`, and with no docs
 * region in the file at all, the whole file.
 *
 * @throws Error when the region is missing, unclosed, or nested in another docs region.
 */
export function extractRegion(source: string, region?: string): string {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const wanted = region ? `docs:${region}` : 'docs';
  const parts: string[][] = [];
  let open: { name: string; from: number } | undefined;
  let anyRegion = false;
  lines.forEach((line, i) => {
    const m = /^\s*\/\/\s*#(region|endregion)\s+(docs(?::[\w-]+)?)\s*$/.exec(line);
    if (!m) return;
    anyRegion = true;
    const [, what, name] = m as unknown as [string, string, string];
    if (what === 'region') {
      if (open) throw new Error(`line ${i + 1}: "#region ${name}" starts inside "#region ${open.name}": docs regions do not nest`);
      open = { name, from: i + 1 };
    } else {
      if (open?.name !== name) throw new Error(`line ${i + 1}: "#endregion ${name}" without a matching "#region ${name}"`);
      if (name === wanted) parts.push(dedent(lines.slice(open.from, i)));
      open = undefined;
    }
  });
  if (open) throw new Error(`"#region ${open.name}" is never closed by "// #endregion ${open.name}"`);
  if (!parts.length) {
    if (!region && !anyRegion) return dedent(lines).join('\n');
    throw new Error(`no "// #region ${wanted}" ... "// #endregion ${wanted}" in the file`);
  }
  return parts.flat().join('\n');
}

/**
 * What is wrong with a page, for a failure message: the problems {@link scanMarkdown} found and every
 * ```ts block without a marker.
 */
export function pageProblems(page: ScannedPage): string[] {
  const unmarked = page.blocks
    .filter((b) => b.marker.kind === 'none')
    .map(
      (b) =>
        `line ${b.line}: a \`\`\`ts block without a marker: put <!-- example: examples/docs/<page>/<name>.ts --> right above it, ` +
        'or <!-- not-run: <reason> --> if it is not a program',
    );
  return [...page.problems, ...unmarked];
}

/** One example block of a page and the source of the file its marker names (`undefined`: no such file). */
export interface ShownBlock {
  page: string;
  block: CodeBlock;
  file: string;
  region?: string | undefined;
  source: string | undefined;
}

/**
 * Why the block does not show its example's region, or `undefined` when it does: the file is
 * missing, its regions are malformed, or the texts differ (with a line diff).
 */
export function compareShownBlock({ page, block, file, region, source }: ShownBlock): string | undefined {
  const shown = region ? `${file}#${region}` : file;
  if (source === undefined) return `${page} line ${block.line - 1} names ${file}, which does not exist: create it or fix the marker`;
  let expected: string;
  try {
    expected = normalizeCode(extractRegion(source, region));
  } catch (e) {
    return `${file}: ${(e as Error).message}`;
  }
  const actual = normalizeCode(block.code);
  if (actual === expected) return undefined;
  return (
    `the block at ${page} line ${block.line} differs from ${shown} (- only in the page, + only in the example); ` +
    `change both together:\n${lineDiff(actual, expected)}`
  );
}

/**
 * The servers an example asks examples/docs/support.ts for (`exampleDatabase('pg', ...)`), so that
 * its test can be skipped, with a reason, when they are not reachable.
 */
export function exampleServers(source: string): ('pg' | 'mysql')[] {
  const found = new Set<'pg' | 'mysql'>();
  for (const m of source.matchAll(/\bexampleDatabase\(\s*['"](pg|mysql)['"]/g)) found.add(m[1] as 'pg' | 'mysql');
  return [...found];
}

/** Equal up to line endings, trailing whitespace on each line and blank lines at either end. */
export function normalizeCode(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/**
 * A line diff of `shown` (the page) against `expected` (the example), for a failure message: `-`
 * lines are only on the page, `+` lines only in the example, with two lines of context.
 */
export function lineDiff(shown: string, expected: string): string {
  const a = shown.split('\n');
  const b = expected.split('\n');
  // Longest common subsequence table, from the end: blocks are short, O(n·m) is fine.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const rows: { sign: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      rows.push({ sign: ' ', text: a[i++]! });
      j++;
    } else if (i < a.length && (j >= b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      rows.push({ sign: '-', text: a[i++]! });
    } else {
      rows.push({ sign: '+', text: b[j++]! });
    }
  }
  const near = (k: number) => rows.slice(Math.max(0, k - 2), k + 3).some((r) => r.sign !== ' ');
  const out: string[] = [];
  let skipped = false;
  rows.forEach((r, k) => {
    if (r.sign !== ' ' || near(k)) {
      if (skipped) out.push('  ...');
      skipped = false;
      out.push(`${r.sign} ${r.text}`);
    } else {
      skipped = true;
    }
  });
  if (skipped) out.push('  ...');
  return out.join('\n');
}

function parseMarker(line: string, lineNo: number, problems: string[]): BlockMarker {
  const example = EXAMPLE_MARKER.exec(line);
  if (example) {
    const path = EXAMPLE_PATH.exec(example[1]!);
    if (!path) {
      problems.push(`line ${lineNo}: "${line}" should name a file as examples/docs/<page>/<name>.ts (optionally #<region>)`);
      return { kind: 'none' };
    }
    return path[2] ? { kind: 'example', file: path[1]!, region: path[2] } : { kind: 'example', file: path[1]! };
  }
  const notRun = NOT_RUN_MARKER.exec(line);
  if (notRun) {
    if (!notRun[1]) {
      problems.push(`line ${lineNo}: "${line}" needs a reason after "not-run:"`);
      return { kind: 'none' };
    }
    return { kind: 'not-run', reason: notRun[1] };
  }
  if (ANY_MARKER.test(line)) problems.push(`line ${lineNo}: "${line}" is malformed (a marker is one line ending in -->)`);
  return { kind: 'none' };
}

function isClosingFence(line: string, fence: string): boolean {
  const m = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
  return !!m && m[1]![0] === fence[0] && m[1]!.length >= fence.length;
}

function insideFence(lines: string[], index: number): boolean {
  let fence: string | undefined;
  for (let i = 0; i < index; i++) {
    if (fence) {
      if (isClosingFence(lines[i]!, fence)) fence = undefined;
    } else {
      const open = /^[ \t]*(`{3,}|~{3,})/.exec(lines[i]!);
      if (open) fence = open[1];
    }
  }
  return fence !== undefined;
}

function stripIndent(line: string, width: number): string {
  let k = 0;
  while (k < width && (line[k] === ' ' || line[k] === '\t')) k++;
  return line.slice(k);
}

function dedent(lines: string[]): string[] {
  const widths = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const width = widths.length ? Math.min(...widths) : 0;
  return lines.map((l) => l.slice(Math.min(width, /^[ \t]*/.exec(l)![0].length)));
}
