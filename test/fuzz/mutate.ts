// Spec mutations for fuzzing the front end: token deletions, duplications, swaps, truncations,
// random bytes and unicode. Deterministic for a given seed.

/** deterministic pseudo-random numbers in [0, 1) (mulberry32), so failures reproduce */
export { mulberry32 as rng } from "../../runtime/random/seeds";

const NOISE = ["(", ")", "[", "]", "{", "}", ",", ":", "=", "~", "|", "@", "?", "->", "**", "\n", '"', "#", "bias", "model",
  "return", "param", "let", "for", "in", "data", "encoder", "1e", "0.5", "x", "-", "<", ">", "\t", "\u00e9", "\u{1F600}", "\u0000",
  "\uFEFF", "\r", "\\", "'", "$", ";", "intel 0.2"];

/** Splits roughly into tokens: runs of word characters, runs of spaces, and single other characters. */
function tokens(s: string): string[] {
  return s.match(/[A-Za-z0-9_.]+|\s+|[^A-Za-z0-9_.\s]/gu) ?? [];
}

export function mutate(source: string, next: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const ts = tokens(source);
  const at = () => Math.floor(next() * (ts.length + 1));
  const rounds = 1 + Math.floor(next() * 4);
  for (let r = 0; r < rounds; r++) {
    switch (Math.floor(next() * 7)) {
      case 0: // delete a token
        ts.splice(at(), 1);
        break;
      case 1: // duplicate a token
        {
          const i = at();
          if (ts[i] !== undefined) ts.splice(i, 0, ts[i]!);
        }
        break;
      case 2: // swap two tokens
        {
          const i = at();
          const j = at();
          if (ts[i] !== undefined && ts[j] !== undefined) [ts[i], ts[j]] = [ts[j]!, ts[i]!];
        }
        break;
      case 3: // truncate
        ts.length = Math.min(ts.length, at());
        break;
      case 4: // insert syntax noise
        ts.splice(at(), 0, pick(NOISE));
        break;
      case 5: // insert a random code point
        ts.splice(at(), 0, String.fromCodePoint(Math.floor(next() * 0x2fff)));
        break;
      case 6: // delete a span of tokens
        {
          const i = at();
          ts.splice(i, 1 + Math.floor(next() * 8));
        }
        break;
    }
  }
  return ts.join("");
}
