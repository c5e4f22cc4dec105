// Whether an optional package resolves from this checkout (tests of optional backends skip without it).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const installed = (pkg: string): boolean => {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
};
