// Lexical scopes: a chain of maps from names to symbols, remembering which locals were used.
import type { Ident } from "../../grammar/ast";
import type { Sym } from "./symbols";

interface Entry {
  sym: Sym;
  ident: Ident;
  used: boolean;
}

export class Scope {
  private readonly entries = new Map<string, Entry>();
  constructor(readonly parent?: Scope) {}

  /** Declares a name; returns the earlier declaration's identifier when the name is taken in this scope. */
  declare(ident: Ident, sym: Sym): Ident | undefined {
    if (ident.name === "") return undefined; // recovered from a syntax error
    const prior = this.entries.get(ident.name);
    if (prior) return prior.ident;
    this.entries.set(ident.name, { sym, ident, used: false });
    return undefined;
  }

  lookup(name: string): Sym | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const e = s.entries.get(name);
      if (e) {
        e.used = true;
        return e.sym;
      }
    }
    return undefined;
  }

  /** Like lookup, without marking the name used. */
  peek(name: string): Sym | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const e = s.entries.get(name);
      if (e) return e.sym;
    }
    return undefined;
  }

  /** Every name visible from here, for "did you mean" hints. */
  names(): string[] {
    const out: string[] = [];
    for (let s: Scope | undefined = this; s; s = s.parent) out.push(...s.entries.keys());
    return out;
  }

  unused(): { ident: Ident; sym: Sym }[] {
    return [...this.entries.values()].filter((e) => !e.used).map((e) => ({ ident: e.ident, sym: e.sym }));
  }
}
