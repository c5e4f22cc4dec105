// Small HTML helpers for the report: escaping, sections, figures, tables, the page frame.

export const esc = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export const note = (text: string): string => `<p class="note">${esc(text)}</p>`;

export const figure = (svg: string, caption?: string): string => `<figure class="chart">${svg}${caption ? `<figcaption>${esc(caption)}</figcaption>` : ""}</figure>`;

export const pngFigure = (png: Buffer, alt: string, caption: string): string =>
  `<figure class="grid"><img alt="${esc(alt)}" src="data:image/png;base64,${png.toString("base64")}"><figcaption>${esc(caption)}</figcaption></figure>`;

export const section = (id: string, title: string, body: string): string => `<section id="${id}"><h2>${esc(title)}</h2>\n${body}\n</section>`;

export function table(head: string[], rows: (string | number)[][]): string {
  const cell = (v: string | number, tag: string) => `<${tag}${typeof v === "number" ? ' class="num"' : ""}>${esc(typeof v === "number" ? fmtNum(v) : v)}</${tag}>`;
  return `<table><thead><tr>${head.map((h) => cell(h, "th")).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => cell(v, "td")).join("")}</tr>`).join("")}</tbody></table>`;
}

export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : v.toFixed(4);
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1180px;padding:16px 24px;color:#222;background:#fafafa}
h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:1.6em}
nav a{margin-right:12px;color:#1f5fa8;text-decoration:none}
.charts{display:flex;flex-wrap:wrap;gap:12px}
figure{margin:0;background:#fff;border:1px solid #e2e2e2;border-radius:4px;padding:6px}
figcaption{font-size:.85em;color:#555;max-width:420px;margin-top:4px}
figure.grid img{image-rendering:pixelated;width:320px;height:auto;display:block}
table{border-collapse:collapse;background:#fff;font-size:.9em}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#fff;border:1px solid #ddd;padding:8px;overflow:auto;font-size:.85em;max-height:520px}
.note{color:#8a5a00;background:#fff7e0;border-left:3px solid #e0a800;padding:4px 8px}
.missing{color:#a00}
code{font-size:.9em}
`;

export function page(title: string, subtitle: string, nav: [string, string][], body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>${CSS}</style></head>
<body>
<h1>${esc(title)}</h1>
<p>${subtitle}</p>
<nav>${nav.map(([id, t]) => `<a href="#${id}">${esc(t)}</a>`).join("")}</nav>
${body}
</body></html>
`;
}
