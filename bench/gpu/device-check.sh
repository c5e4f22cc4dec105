#!/usr/bin/env bash
# The GPU device check of issue #21 (item 4), in two halves:
#
#   bash bench/gpu/device-check.sh pack     here, with network and node_modules: builds .gpu-pack/
#   bash bench/gpu/device-check.sh run      on the lent GPU machine (no network, no Node, no npm)
#
# The device machine gets the working tree and at most 64 MiB of carried paths, so `pack` makes a
# self-contained folder (~40 MB): Node itself (xz; unpacked there with python3's lzma), the check
# bundled with tfjs, tfjs-backend-wasm and tfjs-backend-webgpu into one file (esbuild, from tsx's
# dependencies), the wasm binaries, Dawn's linux-x64 dawn.node, the compiled IRs, and the Vulkan
# loader's .deb (libvulkan1; the NVIDIA ICD is part of the driver mount there). Then, from the
# device tool:  run(command: "bash bench/gpu/device-check.sh run", carry: [".gpu-pack"], timeout_s: 480)
#
# `run` writes $OUT/device-check.json (per backend that starts: ms/step of the quickstart model, the
# benchmark's MLP and conv VAEs, and the quickstart's losses over 20 steps vs the cpu backend), plus
# $OUT/env.txt. tensorflow-gpu will report "not installed": libtensorflow with CUDA (and CUDA 11.2 and
# cuDNN 8.1 beside it) is far more than can be carried; webgpu runs through Vulkan. The quickstart runs on fixed random 0/1 pixels
# (MNIST itself is 41 MB), and not through `intel train`: its loop reads synchronously, which
# tfjs-webgpu cannot do in Node (see bench/gpu/device-check.ts).
set -euo pipefail
cd "$(dirname "$0")/../.."
PACK=.gpu-pack

pack() {
  local keep=""; [ -f "$PACK/node.xz" ] && keep=$(mktemp) && mv "$PACK/node.xz" "$keep"
  rm -rf "$PACK" && mkdir -p "$PACK/node_modules/webgpu/dist/linux-x64" "$PACK/node_modules/@tensorflow/tfjs-backend-wasm/dist" "$PACK/deb"
  npx tsx bench/gpu/device-check.ts --emit-irs "$PACK/irs.json"
  node_modules/.bin/esbuild bench/gpu/device-check.ts --bundle --platform=node --format=esm --target=node20 \
    --outfile="$PACK/device-check.mjs" --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
    --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);" --log-level=warning
  cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$PACK/node_modules/webgpu/"
  cp node_modules/webgpu/dist/linux-x64/dawn.node "$PACK/node_modules/webgpu/dist/linux-x64/"
  cp node_modules/@tensorflow/tfjs-backend-wasm/package.json "$PACK/node_modules/@tensorflow/tfjs-backend-wasm/"
  cp node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm "$PACK/node_modules/@tensorflow/tfjs-backend-wasm/dist/"
  if [ -n "$keep" ]; then mv "$keep" "$PACK/node.xz"; else xz -T0 -6 -c "$(command -v node)" >"$PACK/node.xz"; fi
  # The Vulkan loader for the device (x86-64 Debian packages; the device README's recipe).
  if [ "${SKIP_DEB:-}" != 1 ]; then
    local o="-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64"
    mkdir -p /tmp/amd64/partial
    # shellcheck disable=SC2086
    apt-get $o update -qq && (cd "$PACK/deb" && apt-get $o download libvulkan1)
  fi
  du -sh "$PACK"
}

run() {
  : "${OUT:?run needs \$OUT (the device tool sets it)}"
  for f in "$PACK"/deb/*.deb; do [ -e "$f" ] && dpkg -x "$f" /; done
  ldconfig 2>/dev/null || true
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -e "$icd" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then export VK_DRIVER_FILES="$icd"; fi
  done
  local node=/tmp/intel-node
  python3 -c "import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],'wb'))" "$PACK/node.xz" "$node"
  chmod +x "$node"
  { date -u; uname -a; "$node" --version; nvidia-smi 2>&1 | head -15 || true; ldconfig -p | grep -i vulkan || echo "no libvulkan"; echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"; } >"$OUT/env.txt" 2>&1
  timeout 420 "$node" "$PACK/device-check.mjs" --irs "$PACK/irs.json" --out "$OUT" --backends "${BACKENDS:-tensorflow-gpu,webgpu,wasm}" 2>&1 | tee "$OUT/log.txt"
}

case "${1:-}" in
  pack) pack ;;
  run) run ;;
  *) echo "usage: $0 pack|run" >&2; exit 2 ;;
esac
