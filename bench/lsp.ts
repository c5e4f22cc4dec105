// Language-server latency: `intel lsp` as a child process, the largest spec open, the time from a
// didChange to its diagnostics (the debounce included), median of many changes.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DEBOUNCE_MS } from "../lsp/server";
import { largestSpecUnder } from "../test/golden";
import { diagnosticsLatency, LspClient } from "../test/lsp/client";

export async function benchLsp(changes = 40): Promise<{ median: number; max: number }> {
  const largest = largestSpecUnder("specs")!;
  const client = await LspClient.start();
  try {
    const uri = pathToFileURL(resolve("bench-lsp.intel")).href;
    await client.open(uri, largest.text);
    await diagnosticsLatency(client, uri, largest.text, 5); // warm-up
    const r = await diagnosticsLatency(client, uri, largest.text, changes, 100);
    console.log(
      `lsp, largest spec ${largest.f} (${largest.text.split("\n").length} lines): diagnostics ${r.median.toFixed(1)} ms after a change ` +
        `(median of ${changes}, max ${r.max.toFixed(1)}; includes the ${DEBOUNCE_MS} ms debounce; goal < 100 ms)`,
    );
    return r;
  } finally {
    await client.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLsp();
