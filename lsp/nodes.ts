// Finding AST nodes by position: the path from the program down to the innermost node at an offset.
import type { AnyNode, Program, Span } from "../grammar/ast";

type Node = { kind: string; span: Span };

const isNode = (v: unknown): v is Node =>
  typeof v === "object" && v !== null && typeof (v as Node).kind === "string" && typeof (v as Node).span === "object";

/** The child nodes of a node, in source order (read generically, so new node kinds need no change here). */
export function children(n: Node): Node[] {
  const out: Node[] = [];
  for (const [k, v] of Object.entries(n)) {
    if (k === "span" || k === "comments") continue;
    if (Array.isArray(v)) for (const x of v) if (isNode(x)) out.push(x);
    if (isNode(v)) out.push(v);
  }
  return out.sort((a, b) => a.span.offset - b.span.offset);
}

/** Every node, depth first. */
export function* walk(n: Node): Generator<AnyNode> {
  yield n as AnyNode;
  for (const c of children(n)) yield* walk(c);
}

/** Nodes whose span holds `offset` (the end counts, so a cursor just after a word finds it), outermost first. */
export function pathAt(program: Program, offset: number): AnyNode[] {
  const path: AnyNode[] = [];
  let cur: Node | undefined = program;
  while (cur) {
    path.push(cur as AnyNode);
    cur = children(cur).find((c) => c.span.offset <= offset && offset <= c.span.end && c.span.end > c.span.offset);
  }
  return path;
}
