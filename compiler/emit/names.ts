// Identifiers for emitted code: the spec's names made into valid, unique TypeScript identifiers.
const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await any boolean number string symbol type of tf main")
    .split(" "),
);

export class Names {
  private readonly used = new Set<string>();
  constructor(taken: readonly string[] = []) {
    for (const t of taken) this.used.add(t);
  }
  /** a fresh identifier from `base` (letters, digits, _; camel-cased at separators) */
  fresh(base: string): string {
    let id = base.replace(/[^A-Za-z0-9_$]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""));
    if (!id || /^[0-9]/.test(id)) id = `_${id}`;
    if (RESERVED.has(id)) id = `${id}_`;
    let out = id;
    for (let i = 2; this.used.has(out); i++) out = `${id}${i}`;
    this.used.add(out);
    return out;
  }
}
