// The open documents and their last check. Imports are read from open documents first (unsaved
// edits count), then from the disk; a change re-checks the file and every open file that imports it.
import type { TextDocument } from "vscode-languageserver-textdocument";
import { checkSource, type CheckResult } from "../compiler/check";
import { diskHost, type FileHost } from "../compiler/host";
import { uriPath } from "./positions";

export interface Checked {
  uri: string;
  version: number;
  text: string;
  result: CheckResult;
}

export class Workspace {
  private readonly docs = new Map<string, TextDocument>();
  private readonly checked = new Map<string, Checked>();

  open(doc: TextDocument): void {
    this.docs.set(doc.uri, doc);
  }

  close(uri: string): void {
    this.docs.delete(uri);
    this.checked.delete(uri);
  }

  document(uri: string): TextDocument | undefined {
    return this.docs.get(uri);
  }

  /** The check of the document's current text (cached per version). */
  get(uri: string): Checked | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    const known = this.checked.get(uri);
    if (known && known.version === doc.version) return known;
    const text = doc.getText();
    const result = checkSource(text, { file: uriPath(uri), host: this.host() });
    const c = { uri, version: doc.version, text, result };
    this.checked.set(uri, c);
    return c;
  }

  /** `uri` and the open documents whose last check loaded it (through any chain of imports). */
  affectedBy(uri: string): string[] {
    const path = uriPath(uri);
    const out = [uri];
    for (const [other, c] of this.checked) {
      if (other === uri || !c.result.modules.some((m) => m.absPath === path)) continue;
      this.checked.delete(other); // its own text did not change, but what it imports did
      out.push(other);
    }
    return out;
  }

  /**
   * This document as an open file that imports it saw it (same text): a library's biases then have
   * instances, so hovers can show their sizes at each use. Undefined when no open file imports it.
   */
  viaImporter(uri: string): CheckResult | undefined {
    const path = uriPath(uri);
    const text = this.docs.get(uri)?.getText();
    for (const other of this.docs.keys()) {
      if (other === uri) continue;
      const r = this.get(other)?.result;
      const mod = r?.modules.find((m) => m.absPath === path && m.text === text);
      if (r && mod && r.types?.models.size) return { ...r, program: mod.program };
    }
    return undefined;
  }

  /** The checks of the other open documents (for references across files). */
  others(uri: string): CheckResult[] {
    return [...this.docs.keys()].filter((u) => u !== uri).flatMap((u) => this.get(u)?.result ?? []);
  }

  /** Open documents shadow the disk; displayed names stay absolute so spans map back to URIs. */
  private host(): FileHost {
    const disk = diskHost();
    const open = new Map([...this.docs.values()].map((d) => [uriPath(d.uri), d]));
    return {
      read: (p) => open.get(p)?.getText() ?? disk.read(p),
      readError: (p) => disk.readError?.(p),
      exists: (p) => open.has(p) || disk.exists(p),
      display: (p) => p,
      absolute: (p) => disk.absolute(p),
    };
  }
}
