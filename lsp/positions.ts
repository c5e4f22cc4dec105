// Spans (1-based line/col, UTF-16 columns, end just past the last character) ↔ LSP ranges and URIs.
import { pathToFileURL, fileURLToPath } from "node:url";
import type { Range } from "vscode-languageserver";
import type { Span } from "../grammar/ast";

export function toRange(s: Span): Range {
  return { start: { line: s.line - 1, character: s.col - 1 }, end: { line: s.endLine - 1, character: s.endCol - 1 } };
}

/** Spans name files by absolute path in the server (its host displays paths unchanged). */
export const fileUri = (path: string): string => pathToFileURL(path).href;

export function uriPath(uri: string): string {
  return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
}
