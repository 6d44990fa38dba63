/*
 * The text being read, with what has been recognised cut out. Patterns match whole words: the
 * text is padded with spaces and every pattern starts after a space (`at`) and ends before a
 * space or a closing punctuation mark (`END`), so "monday" never matches inside "mondays" and
 * "9am," still reads as a time.
 */

export const END = String.raw`(?=\s|[,;:.!?)](?:\s|$))`;

/** A pattern for a phrase that starts at a word boundary and ends at one. */
export const at = (source: string): RegExp => new RegExp(String.raw`(?<=\s)(?:${source})${END}`, 'giu');

export class Scanner {
  private text: string;

  constructor(input: string) {
    this.text = ` ${input.replace(/\s+/g, ' ').trim()} `;
  }

  /**
   * Finds `pattern` from left to right; `read` returning false rejects that match and the search
   * goes on. The first accepted match is cut out and `take` returns true.
   */
  take(pattern: RegExp, read: (m: RegExpExecArray) => boolean | void): boolean {
    const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    for (let from = 0; ;) {
      re.lastIndex = from;
      const m = re.exec(this.text);
      if (!m) return false;
      if (read(m) !== false) {
        this.cut(m.index, m.index + m[0].length);
        return true;
      }
      from = m.index + 1;
    }
  }

  cut(start: number, end: number): void {
    this.text = `${this.text.slice(0, start)} ${this.text.slice(end)}`;
  }

  /** The words left, with their offsets, for readers that work word by word. */
  words(): { word: string; start: number; end: number }[] {
    return [...this.text.matchAll(/\S+/g)].map((m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }));
  }

  /** What is left, tidied: single spaces, no space before punctuation, no dangling separators. */
  get rest(): string {
    return this.text
      .replace(/\s+/g, ' ')
      .replace(/\s+([,;:.!?])(?=\s|$)/g, '$1')
      .replace(/^[\s,;:]+|[\s,;:]+$/g, '');
  }
}
