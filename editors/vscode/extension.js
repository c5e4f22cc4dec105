// The VS Code client: starts `intel lsp --stdio` (intel.server.command / intel.server.args) in the
// first workspace folder and hands it the .intel documents. Plain CommonJS: no build step.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

async function activate(context) {
  const config = vscode.workspace.getConfiguration("intel");
  const command = config.get("server.command", "npx");
  const args = config.get("server.args", ["--no-install", "intel", "lsp", "--stdio"]);
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const run = { command, args, transport: TransportKind.stdio, options: cwd ? { cwd, shell: process.platform === "win32" } : {} };
  client = new LanguageClient("intel", "intel-vae", { run, debug: run }, {
    documentSelector: [{ scheme: "file", language: "intel" }, { scheme: "untitled", language: "intel" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.intel") },
  });
  context.subscriptions.push(client);
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
