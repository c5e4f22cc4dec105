// `intel lsp`: the language server over stdio, for editors (editors/vscode/ starts it).
import { parseArgs } from "./args";
import type { Io } from "./io";

export async function lspCommand(argv: readonly string[], _io: Io): Promise<number> {
  // Editors pass --stdio by convention; it is the only transport.
  parseArgs(argv, [], ["stdio"]);
  const { startServer } = await import("../lsp/server");
  return startServer();
}
