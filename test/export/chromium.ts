// Headless Chromium for page tests: a probe script (a module run after the page's own) writes its
// result into the DOM, which --dump-dom prints. As scripts/check-report.mjs, without a driver dependency.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(existsSync) ?? null;

/**
 * Opens a copy of `page` (next to it, so its relative files load) with `probe` appended: the body of
 * an async function whose return value (JSON) comes back. Page errors come back in `errors`.
 */
export async function probePage(page: string, probe: string, timeoutMs = 120_000): Promise<{ result: unknown; errors: string[] }> {
  if (!CHROMIUM) throw new Error("no chromium");
  const copy = join(dirname(page), `.probe-${process.pid}.html`);
  const capture = `<script>window.__errors = []; addEventListener("error", (e) => __errors.push(String(e.message || (e.target && (e.target.src || e.target.outerHTML)))), true); addEventListener("unhandledrejection", (e) => __errors.push("unhandled: " + String(e.reason && e.reason.message || e.reason)));</script>`;
  const run = `<script type="module">
const out = document.createElement("pre"); out.id = "__probe";
try { out.textContent = JSON.stringify({ ok: true, result: await (async () => { ${probe} })(), errors: __errors }); }
catch (e) { out.textContent = JSON.stringify({ ok: false, error: String(e && e.stack || e), errors: __errors }); }
document.body.appendChild(out);
</script>`;
  writeFileSync(copy, readFileSync(page, "utf8").replace(/<head>/i, `<head>${capture}`).replace(/<\/body>/i, `${run}</body>`));
  const profile = mkdtempSync(join(tmpdir(), "intel-chromium-"));
  const args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`, "--virtual-time-budget=30000", "--dump-dom", pathToFileURL(copy).href];
  try {
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
      const p = spawn(CHROMIUM!, args, { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d) => (stdout += d));
      p.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
      p.on("error", reject);
      p.on("close", (code) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code });
      });
    });
    const m = /<pre id="__probe">([\s\S]*?)<\/pre>/.exec(stdout);
    if (!m) throw new Error(`the probe did not finish (chromium exit ${code}): ${stderr.slice(-2000)}`);
    const r = JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")) as { ok: boolean; result?: unknown; error?: string; errors: string[] };
    if (!r.ok) throw new Error(`the probe failed: ${r.error} (page errors: ${r.errors.join(" | ")})`);
    return { result: r.result, errors: r.errors };
  } finally {
    rmSync(copy, { force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}
