// The IR as text for golden files and diffs: JSON with a 2-space indent, keys in the order the
// lowering writes them (fixed by the code), and arrays of plain values (shapes, constants, ids) on
// one line, as are small objects of plain values (`at`, init), so that a reviewer sees a layer per
// screenful rather than a number per line.
export function irToJson(value: unknown): string {
  return format(value, "") + "\n";
}

function format(v: unknown, indent: string): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  const inner = indent + "  ";
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    if (v.every(flat)) return `[${v.map((x) => format(x, inner)).join(", ")}]`;
    return `[\n${v.map((x) => inner + format(x, inner)).join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return "{}";
  if (entries.every(([, x]) => flat(x))) {
    const line = `{ ${entries.map(([k, x]) => `${JSON.stringify(k)}: ${format(x, inner)}`).join(", ")} }`;
    if (line.length <= 100) return line;
  }
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${format(x, inner)}`).join(",\n")}\n${indent}}`;
}

/** Numbers, strings, Bools, null, and lists of them (a matrix of constants stays on one line). */
function flat(x: unknown): boolean {
  return x === null || typeof x !== "object" || (Array.isArray(x) && x.every(flat));
}
