// Renders a page with scripts/check-report.mjs (headless Chromium) and reads back what it found.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(existsSync);

export interface PageCheck {
  /** check-report's problems (script errors, charts without marks, images that do not decode…) */
  errors: string[];
  sections: string[];
  charts: { section: string; title: string; marks: number }[];
  tables: number;
}

export function checkPage(path: string): PageCheck {
  const r = spawnSync(process.execPath, ["scripts/check-report.mjs", path], { encoding: "utf8", timeout: 170_000 });
  const out = r.stdout ?? "";
  const sections = /^sections: (.*)$/m.exec(out)?.[1]?.split(", ").filter(Boolean) ?? [];
  const charts = [...out.matchAll(/^ {2}chart #(\S+) '(.*)': (\d+) marks/gm)].map((m) => ({ section: m[1]!, title: m[2]!, marks: Number(m[3]) }));
  const errors = r.status === 0 ? [] : (r.stderr ?? "").split("\n").filter(Boolean);
  const tables = (readFileSync(path, "utf8").match(/<table/g) ?? []).length;
  return { errors, sections, charts, tables };
}
