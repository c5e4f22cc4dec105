// `intel lsp`: the language server, over stdio. Diagnostics are re-computed (debounced) when a
// document opens or changes, for it and for the open documents that import it.
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { codeActions } from "./code-actions";
import { complete } from "./completion";
import { diagnosticsOf } from "./diagnostics";
import { hover } from "./hover";
import { definition, references } from "./navigate";
import { documentSymbols, formatDocument } from "./outline";
import { uriPath } from "./positions";
import { signatureHelp } from "./signature";
import { Workspace } from "./workspace";

/** Quiet time after the last keystroke before a file is re-checked. */
export const DEBOUNCE_MS = 30;

export function startServer(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<number> {
  const connection = createConnection(ProposedFeatures.all, input, output);
  const documents = new TextDocuments(TextDocument);
  const ws = new Workspace();
  const timers = new Map<string, NodeJS.Timeout>();

  const publish = (uri: string): void => {
    const c = ws.get(uri);
    if (c) void connection.sendDiagnostics({ uri, version: c.version, diagnostics: diagnosticsOf(c.result, uriPath(uri)) });
  };
  const schedule = (uri: string, delay: number): void => {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        for (const u of ws.affectedBy(uri)) publish(u);
      }, delay),
    );
  };

  connection.onInitialize(
    (): InitializeResult => ({
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        completionProvider: { triggerCharacters: ["(", ",", " ", "{"] },
        signatureHelpProvider: { triggerCharacters: ["(", ","] },
        documentFormattingProvider: true,
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix"] },
      },
      serverInfo: { name: "intel-vae" },
    }),
  );

  documents.onDidOpen((e) => {
    ws.open(e.document);
    schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    ws.open(e.document);
    schedule(e.document.uri, DEBOUNCE_MS);
  });
  documents.onDidClose((e) => {
    clearTimeout(timers.get(e.document.uri));
    ws.close(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const at = <T>(uri: string, position: { line: number; character: number }, fn: (c: NonNullable<ReturnType<Workspace["get"]>>, offset: number) => T): T | null => {
    const c = ws.get(uri);
    const doc = ws.document(uri);
    return c && doc ? fn(c, doc.offsetAt(position)) : null;
  };
  connection.onHover((p) => at(p.textDocument.uri, p.position, (c, o) => hover(ws.viaImporter(p.textDocument.uri) ?? c.result, o)));
  connection.onDefinition((p) => at(p.textDocument.uri, p.position, (c, o) => definition(c.result, o)));
  connection.onReferences((p) =>
    at(p.textDocument.uri, p.position, (c, o) => references(c.result, o, p.context.includeDeclaration, ws.others(p.textDocument.uri))),
  );
  connection.onCompletion((p) => at(p.textDocument.uri, p.position, (c, o) => complete(c.result, c.text, o)) ?? []);
  connection.onSignatureHelp((p) => at(p.textDocument.uri, p.position, (c, o) => signatureHelp(c.result, c.text, o)));
  connection.onDocumentSymbol((p) => {
    const c = ws.get(p.textDocument.uri);
    return c ? documentSymbols(c.result.program) : [];
  });
  connection.onDocumentFormatting((p) => {
    const doc = ws.document(p.textDocument.uri);
    return doc ? formatDocument(doc, uriPath(doc.uri)) : [];
  });
  connection.onCodeAction((p) => {
    const c = ws.get(p.textDocument.uri);
    const doc = ws.document(p.textDocument.uri);
    return c && doc ? codeActions(c.result, doc, uriPath(doc.uri), p.range) : [];
  });

  documents.listen(connection);
  return new Promise((resolve) => {
    let shutdown = false;
    connection.onShutdown(() => {
      shutdown = true;
      for (const t of timers.values()) clearTimeout(t);
    });
    // LSP: exit after shutdown is success (0), exit without it is 1.
    connection.onExit(() => resolve(shutdown ? 0 : 1));
    connection.listen();
  });
}

export type { Connection };
