// A small LSP client over a child process's stdio, for the server test and the latency bench:
// starts `intel lsp --stdio` once, speaks JSON-RPC with vscode-languageserver-protocol's client side.
import { spawn, type ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type ProtocolConnection,
} from "vscode-languageserver-protocol/node";

export interface Published {
  version?: number;
  diagnostics: Diagnostic[];
  /** performance.now() when it arrived */
  at: number;
}

export class LspClient {
  readonly connection: ProtocolConnection;
  private readonly waiting: { uri: string; version?: number; resolve: (p: Published) => void }[] = [];
  readonly published = new Map<string, Published>();
  stderr = "";

  private constructor(readonly child: ChildProcess) {
    this.connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    child.stderr!.on("data", (d) => (this.stderr += String(d)));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const pub: Published = { diagnostics: p.diagnostics, at: performance.now(), ...(p.version !== undefined ? { version: p.version } : {}) };
      this.published.set(p.uri, pub);
      for (const w of [...this.waiting]) {
        if (w.uri === p.uri && (w.version === undefined || w.version === p.version)) {
          this.waiting.splice(this.waiting.indexOf(w), 1);
          w.resolve(pub);
        }
      }
    });
    this.connection.listen();
  }

  /** Starts the server from the repository root (through bin/intel.js, as an editor would). */
  static async start(cwd = process.cwd()): Promise<LspClient> {
    const child = spawn(process.execPath, ["bin/intel.js", "lsp", "--stdio"], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    const client = new LspClient(child);
    await client.connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(cwd).href, capabilities: {} });
    await client.connection.sendNotification("initialized", {});
    return client;
  }

  /** The next diagnostics published for `uri` (at `version`, when given). */
  diagnostics(uri: string, version?: number, timeoutMs = 20_000): Promise<Published> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${version} within ${timeoutMs} ms\n${this.stderr}`)), timeoutMs);
      this.waiting.push({ uri, ...(version !== undefined ? { version } : {}), resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  open(uri: string, text: string, version = 1): Promise<Published> {
    const next = this.diagnostics(uri, version);
    void this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "intel", version, text } });
    return next;
  }

  /** Replaces the whole text; resolves with the diagnostics of that version. */
  change(uri: string, text: string, version: number): Promise<Published> {
    const next = this.diagnostics(uri, version);
    void this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
    return next;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** shutdown + exit; resolves with the server's exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.child.once("exit", (code) => resolve(code)));
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

/** Milliseconds from a didChange of the text to its diagnostics: the median of `n` changes. */
export async function diagnosticsLatency(client: LspClient, uri: string, text: string, n: number, firstVersion = 2): Promise<{ median: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const pub = await client.change(uri, `${text}${i % 2 ? "\n" : ""}`, firstVersion + i);
    ms.push(pub.at - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[ms.length >> 1]!, max: ms[ms.length - 1]! };
}
