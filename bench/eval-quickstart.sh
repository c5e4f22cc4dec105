#!/bin/sh
# Wall and CPU time of `intel eval --k 500` on a trained quickstart run (validation 500 + test 2004
# points), for the README's before/after: trains specs/examples/quickstart.intel once into $RUN if
# absent, then evaluates a copy of it with the checkout in $SRC (default: this one).
#   sh bench/eval-quickstart.sh [RUN] [SRC]
set -e
RUN=${1:-/tmp/intel-quickstart}; SRC=${2:-$(cd "$(dirname "$0")/.." && pwd)}
[ -d "$RUN" ] || INTEL_FROM_SOURCE=1 nice -n 19 node "$SRC/bin/intel.js" train "$SRC/specs/examples/quickstart.intel" --backend wasm --out "$RUN"
rm -rf "$RUN-eval" && cp -r "$RUN" "$RUN-eval"
echo "load $(cat /proc/loadavg)"
cd "$SRC" && /usr/bin/time -f "intel eval: wall %e s, cpu %U+%S s" env INTEL_FROM_SOURCE=1 nice -n 19 node bin/intel.js eval "$RUN-eval" --backend wasm --k 500 >/dev/null
