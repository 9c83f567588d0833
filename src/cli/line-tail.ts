// The last lines a child process printed, kept to explain its exit.
export class LineTail {
  #lines: string[] = [];
  #partial = '';
  readonly #max: number;

  constructor(max = 20) {
    this.#max = max;
  }

  push(chunk: Buffer | string): void {
    const parts = (this.#partial + chunk.toString()).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim() !== '') this.#lines.push(line);
    if (this.#lines.length > this.#max) this.#lines.splice(0, this.#lines.length - this.#max);
  }

  /** The kept lines (and an unfinished last one), indented, one per line. */
  text(indent = '  '): string {
    const lines = this.#partial.trim() ? [...this.#lines, this.#partial] : this.#lines;
    return lines.length ? lines.map((l) => indent + l).join('\n') : `${indent}(nothing)`;
  }
}
