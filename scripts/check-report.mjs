#!/usr/bin/env node
// Renders an `intel report` page in headless Chromium (Debian: apt-get install -y chromium) and checks
// it: no script errors, no network requests, and every chart's SVG has marks (paths, circles,
// rects, lines inside its vega mark groups). Writes a screenshot. A manual check, not a CI test.
//
//   node scripts/check-report.mjs REPORT.html [--png out.png] [--chromium PATH]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const pngOut = flag("--png");
const chromiumFlag = flag("--chromium");
if (argv.length !== 1) {
  console.error("usage: node scripts/check-report.mjs REPORT.html [--png out.png] [--chromium PATH]");
  process.exit(2);
}
const report = resolve(argv[0]);
if (!existsSync(report)) {
  console.error(`check-report: no file ${report}`);
  process.exit(2);
}
const chromium = chromiumFlag ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(existsSync);
if (!chromium) {
  console.error("check-report: no chromium found (apt-get install -y chromium, or --chromium PATH)");
  process.exit(2);
}

const problems = [];
const profile = mkdtempSync(join(tmpdir(), "check-report-"));
const base = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", `--user-data-dir=${profile}`];

// A probe copy of the page: records script errors and the charts' mark counts into the DOM, which
// --dump-dom then prints. The report itself has no script; the probe is only added here.
const probe = `<script>
window.__errors = [];
window.addEventListener("error", (e) => window.__errors.push(String(e.message || (e.target && (e.target.src || e.target.outerHTML)) || e)), true);
window.addEventListener("load", () => {
  const charts = [...document.querySelectorAll("figure.chart")].map((f) => {
    const svg = f.querySelector("svg");
    const marks = svg ? svg.querySelectorAll('g[class*="role-mark"] path, g[class*="role-mark"] circle, g[class*="role-mark"] rect, g[class*="role-mark"] line').length : 0;
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    const section = f.closest("section");
    return { section: section ? section.id : "?", title: svg ? (svg.querySelector("text.role-title-text, g.role-title text")?.textContent ?? "") : "", marks, width: Math.round(box.width), height: Math.round(box.height) };
  });
  const images = [...document.querySelectorAll("img")].map((i) => ({ alt: i.alt, ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth, h: i.naturalHeight }));
  const pre = document.createElement("pre");
  pre.id = "__check";
  pre.textContent = JSON.stringify({ height: document.documentElement.scrollHeight, errors: window.__errors, charts, images, scripts: document.querySelectorAll("script").length - 1, sections: [...document.querySelectorAll("section")].map((s) => s.id) });
  document.body.appendChild(pre);
});
</script>`;
const html = readFileSync(report, "utf8");
const probed = join(profile, "probe.html");
writeFileSync(probed, html.replace(/<head>/i, `<head>${probe}`));

const external = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\/[^"'\s>]*/gi)].map((m) => m[0]);
if (external.length) problems.push(`external URLs in src/href: ${external.slice(0, 5).join(", ")}`);

const dom = spawnSync(chromium, [...base, "--window-size=1280,1000", "--virtual-time-budget=5000", "--dump-dom", pathToFileURL(probed).href], { encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
if (dom.status !== 0) problems.push(`chromium --dump-dom exited ${dom.status}: ${(dom.stderr ?? "").slice(-2000)}`);
const m = /<pre id="__check">([\s\S]*?)<\/pre>/.exec(dom.stdout ?? "");
let result = null;
if (!m) problems.push("the probe did not run (no result in the dumped DOM)");
else {
  result = JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
  if (result.errors.length) problems.push(`script/resource errors: ${result.errors.join(" | ")}`);
  if (result.scripts > 0) problems.push(`the report has ${result.scripts} <script> elements (it should need none)`);
  if (result.charts.length === 0) problems.push("no charts");
  for (const c of result.charts) if (c.marks === 0 || c.width === 0) problems.push(`chart '${c.title}' in #${c.section} has ${c.marks} marks, ${c.width}×${c.height} px`);
  for (const i of result.images) if (!i.ok) problems.push(`image '${i.alt}' did not decode`);
  console.log(`sections: ${result.sections.join(", ")}`);
  for (const c of result.charts) console.log(`  chart #${c.section} '${c.title}': ${c.marks} marks, ${c.width}×${c.height} px`);
  for (const i of result.images) console.log(`  image '${i.alt}': ${i.w}×${i.h}`);
}

if (pngOut) {
  // the original page (no probe), full length
  const height = Math.min(16000, Math.max(800, (result?.height ?? 4000) + 40));
  const shot = spawnSync(chromium, [...base, "--hide-scrollbars", `--window-size=1280,${height}`, `--screenshot=${resolve(pngOut)}`, pathToFileURL(report).href], { encoding: "utf8", timeout: 120_000 });
  if (shot.status !== 0 || !existsSync(resolve(pngOut))) problems.push(`chromium --screenshot failed (${shot.status}): ${(shot.stderr ?? "").slice(-1000)}`);
  else console.log(`screenshot: ${resolve(pngOut)} (1280×${height})`);
}
rmSync(profile, { recursive: true, force: true });

if (problems.length) {
  for (const p of problems) console.error(`check-report: ${p}`);
  process.exit(1);
}
console.log(`check-report: ok (${result.charts.length} charts with marks, ${result.images.length} images, no script errors, no external URLs)`);
