#!/usr/bin/env node
// Fails when a source or documentation file points a reader at something that is not in this
// repository: a design document or note kept elsewhere, a numbered defect of an earlier system
// ("D22"), a numbered style rule ("C7"), or a benchmark run by its ordinal ("ninth pass").
// A reader has only this repository, so the reason belongs in the comment itself or in
// docs/decisions/. Run by `npm run lint`; `--self-test` only checks the rules below.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CHECKED = /\.(ts|tsx|js|mjs|cjs|sh|sql|ya?ml|json|md)$/;
const SKIPPED = new Set(['package-lock.json', 'scripts/lint/no-outside-refs.mjs']);

/** Anywhere in a line: names of documents that live outside the repository. */
// Written with escapes (\u00a7 is §) so that this file does not itself read as a reference.
const DOCUMENTS = /design \u00a7|design\.md|style\.md|dapr\.md|seed[-]system\.md|features\.md|shared\/notes|\.\.\/shared\//;
/** In comments and prose only: code may well have an identifier `D5` or a cell `C7`. */
const NUMBERED = /\bD[0-9]{1,2}\b|[(,]\s*C[0-9]{1,2}\s*[,)]/;
/** A benchmark run cited by its ordinal, "(docs/benchmarks.md, ninth pass)", "see the ninth pass". */
const PASS = /benchmarks\.md[^)\n]*\bpass\b|\bsee the \w+ pass\b/i;
/** docs/benchmarks.md is the benchmark log: its passes are its own sections. */
const PASS_LOG = 'docs/benchmarks.md';

/** The comment (or, in prose files, the whole line) of one line; '' for code without a comment. */
function commentPart(path, line) {
  if (path.endsWith('.md')) return line;
  const trimmed = line.trimStart();
  if (/^(\/\/|\/\*|\*|#|--)/.test(trimmed)) return trimmed;
  const inline = /(?<![:'"`\\])(\/\/|\/\*)|\s#\s|\s--\s/.exec(line);
  return inline ? line.slice(inline.index) : '';
}

/** Every outside reference in one file's text, as `path:line: text`. */
export function findOutsideRefs(path, text) {
  const found = [];
  text.split('\n').forEach((line, index) => {
    const comment = commentPart(path, line);
    const hit = DOCUMENTS.test(line) || NUMBERED.test(comment) || (path !== PASS_LOG && PASS.test(line));
    if (hit) found.push(`${path}:${index + 1}: ${line.trim()}`);
  });
  return found;
}

function selfTest() {
  const flagged = [
    ['a.ts', '/** The outbox (design ' + '§3). */'],
    ['a.ts', ' * the seed marked first and lost mail, D22).'],
    ['a.ts', 'const x = 1; // see style' + '.md C13'],
    ['a.ts', ' * first-write-wins, which the ledgers rely on (see above, C7).'],
    ['a.sql', '-- fell further behind (docs/benchmarks.md, ninth pass).'],
    ['a.mjs', '  "a plan made for a far smaller table (see the ninth pass).",'],
    ['a.yaml', '# Pub/sub on Kafka (dapr' + '.md §4.1)'],
    ['a.json', '"description": "Dapr app-id (design' + '.md §2)"'],
    ['a.md', "never from a tool argument (the seed's D2/D3)."],
    ['a.sh', 'echo ok # cross-checked with ..' + '/shared/notes'],
  ];
  const clean = [
    ['a.ts', 'const D5 = 5;'],
    ['a.ts', "export const cells = ['C7', 'D12'];"],
    ['a.ts', ' * Partition keys keep one task in order (docs/decisions/0004-claim-functions.md).'],
    ['a.ts', ' * If-None-Match compares weakly (RFC 9110 §13.1.2).'],
    ['a.ts', "const url = 'http://h/D5'; // fetched once"],
    ['a.sql', '-- a second pass over the rows is not needed'],
    ['docs/benchmarks.md', '## Ninth pass: the claim as a function'],
  ];
  const wrong = [
    ...flagged.filter(([p, t]) => findOutsideRefs(p, t).length === 0).map(([p, t]) => `not flagged: ${p}: ${t}`),
    ...clean.filter(([p, t]) => findOutsideRefs(p, t).length > 0).map(([p, t]) => `flagged: ${p}: ${t}`),
  ];
  if (wrong.length) {
    console.error(`no-outside-refs self-test failed:\n  ${wrong.join('\n  ')}`);
    process.exit(1);
  }
}

selfTest();
if (!process.argv.includes('--self-test')) {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { encoding: 'utf8' })
    .split('\0')
    .filter((file) => CHECKED.test(file) && !SKIPPED.has(file));
  const found = files.flatMap((file) => {
    try {
      return findOutsideRefs(file, readFileSync(file, 'utf8'));
    } catch (error) {
      if (error.code === 'ENOENT') return []; // deleted in the work tree, not yet in the index
      throw error;
    }
  });
  if (found.length) {
    console.error(
      `${found.length} reference(s) to documents outside this repository; say the reason here or in docs/decisions/:\n` +
        found.map((line) => `  ${line}`).join('\n'),
    );
    process.exit(1);
  }
}
