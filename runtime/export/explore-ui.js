// The `intel explore` page's script (inlined after plain-model.js, with the global `tf` from
// tf.min.js next to the page and `INTEL_MODEL` from model.js): drag a point in a 2-D slice of y
// (or z) and see the decoder's mean update, plus a row of traversals along the slice's first axis.
// Its API, for people at the console and for tests: window.explore.
(function () {
  const cfg = window.INTEL_EXPLORE;
  const $ = (id) => document.getElementById(id);
  const say = (text, kind) => {
    const m = $("message");
    m.textContent = text;
    m.className = kind || "";
  };
  const RANGE = 3; // the slice spans [-3, 3] on both axes: ±3 standard deviations of the prior
  const STEPS = 9; // traversal images

  let model = null;
  let space = "y";
  let dims = [0, Math.min(1, cfg.yDim - 1)];
  let point = null; // the full latent vector in `space`
  let decoded = null; // Float32Array: the decoder's mean at `point`
  let cloud = null; // 2-D data: the decoded slice grid, drawn behind the current point
  const spaceDim = () => (space === "y" ? cfg.yDim : cfg.zDim);

  function weightsFromModelJs() {
    const m = window.INTEL_MODEL;
    if (!m) throw new Error("model.js (the exported weights) did not load: keep it next to this page");
    const parts = m.shards.map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) {
      bytes.set(p, off);
      off += p.length;
    }
    const specs = m.json.weightsManifest.flatMap((g) => g.weights);
    return { topology: m.json.modelTopology, weights: tf.io.decodeWeights(bytes.buffer, specs) };
  }

  /** decoder mean for latent rows in the current space: Float32Array [n · data size] */
  function decodeRows(rows) {
    return tf.tidy(() => {
      const v = tf.tensor2d(rows, [rows.length, spaceDim()]);
      const z = space === "y" ? model.map(v) : v;
      return model.decode(z).dataSync();
    });
  }

  const dataSize = cfg.dataShape.reduce((a, b) => a * b, 1);

  function drawImage(canvas, values, offset) {
    const { height: h, width: w, channels: c } = cfg.layout;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(w, h);
    for (let i = 0; i < h * w; i++) {
      for (let k = 0; k < 3; k++) {
        const v = values[offset + i * c + (c === 1 ? 0 : k)];
        img.data[i * 4 + k] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
      }
      img.data[i * 4 + 3] = 255;
    }
    const tmp = document.createElement("canvas");
    tmp.width = w;
    tmp.height = h;
    tmp.getContext("2d").putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
  }

  // 2-D (or other vector) data: points in the data plane, scaled to the decoded slice's extent
  let extent = null;
  function toPixel(canvas, x, y) {
    const [x0, x1, y0, y1] = extent;
    return [((x - x0) / (x1 - x0)) * canvas.width, canvas.height - ((y - y0) / (y1 - y0)) * canvas.height];
  }
  function drawPoints(canvas, values, offset, count, highlight) {
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (cloud) {
      ctx.fillStyle = "#bbb";
      for (let i = 0; i < cloud.length / dataSize; i++) {
        const [px, py] = toPixel(canvas, cloud[i * dataSize], dataSize > 1 ? cloud[i * dataSize + 1] : 0);
        ctx.fillRect(px - 1, py - 1, 2, 2);
      }
    }
    ctx.fillStyle = highlight;
    for (let i = 0; i < count; i++) {
      const [px, py] = toPixel(canvas, values[offset + i * dataSize], dataSize > 1 ? values[offset + i * dataSize + 1] : 0);
      ctx.beginPath();
      ctx.arc(px, py, 5, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  function gridRows(n) {
    const rows = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const r = point.slice();
        r[dims[0]] = -RANGE + (2 * RANGE * i) / (n - 1);
        r[dims[1]] = -RANGE + (2 * RANGE * j) / (n - 1);
        rows.push(r);
      }
    }
    return rows;
  }

  function refreshCloud() {
    if (cfg.layout) return;
    cloud = decodeRows(gridRows(25));
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < cloud.length / dataSize; i++) {
      const x = cloud[i * dataSize];
      const y = dataSize > 1 ? cloud[i * dataSize + 1] : 0;
      if (Number.isFinite(x)) [x0, x1] = [Math.min(x0, x), Math.max(x1, x)];
      if (Number.isFinite(y)) [y0, y1] = [Math.min(y0, y), Math.max(y1, y)];
    }
    const pad = (a, b) => Math.max(1e-3, (b - a) * 0.1);
    extent = [x0 - pad(x0, x1), x1 + pad(x0, x1), y0 - pad(y0, y1), y1 + pad(y0, y1)];
  }

  function drawPad() {
    const c = $("pad");
    const ctx = c.getContext("2d");
    ctx.fillStyle = "#f7f7f7";
    ctx.fillRect(0, 0, c.width, c.height);
    ctx.strokeStyle = "#ddd";
    for (let k = -RANGE; k <= RANGE; k++) {
      const p = ((k + RANGE) / (2 * RANGE)) * c.width;
      ctx.beginPath();
      ctx.moveTo(p, 0);
      ctx.lineTo(p, c.height);
      ctx.moveTo(0, p);
      ctx.lineTo(c.width, p);
      ctx.stroke();
    }
    const [px, py] = [((point[dims[0]] + RANGE) / (2 * RANGE)) * c.width, c.height - ((point[dims[1]] + RANGE) / (2 * RANGE)) * c.height];
    ctx.fillStyle = "#d33";
    ctx.beginPath();
    ctx.arc(px, py, 6, 0, 2 * Math.PI);
    ctx.fill();
    $("coords").textContent = `${space}${dims[0] + 1} = ${point[dims[0]].toFixed(3)}, ${space}${dims[1] + 1} = ${point[dims[1]].toFixed(3)}`;
  }

  function render() {
    decoded = decodeRows([point]);
    const out = $("decoded");
    if (cfg.layout) drawImage(out, decoded, 0);
    else drawPoints(out, decoded, 0, 1, "#d33");
    const rows = Array.from({ length: STEPS }, (_, k) => {
      const r = point.slice();
      r[dims[0]] = -RANGE + (2 * RANGE * k) / (STEPS - 1);
      return r;
    });
    const trav = decodeRows(rows);
    const cells = $("traversal").querySelectorAll("canvas");
    cells.forEach((c, k) => (cfg.layout ? drawImage(c, trav, k * dataSize) : drawPoints(c, trav, k * dataSize, 1, "#36c")));
    $("traversal-label").textContent = `${space}${dims[0] + 1} from ${-RANGE} to ${RANGE}, the others as at the point`;
    drawPad();
  }

  function setPoint(a, b) {
    point[dims[0]] = a;
    point[dims[1]] = b;
    render();
    return Array.from(decoded);
  }

  function setDims(i, j) {
    const d = spaceDim();
    if (!(i >= 0 && i < d && j >= 0 && j < d)) throw new Error(`dims must be in 0..${d - 1}`);
    dims = [i, j];
    refreshCloud();
    render();
  }

  function setSpace(s) {
    if (s !== "y" && s !== "z") throw new Error("space is 'y' or 'z'");
    if (s === "z" && !cfg.zDim) throw new Error("z is not a vector: explore y");
    if (s === "y" && model.unsupportedMap) throw new Error(`the mapping cannot run here (${model.unsupportedMap}): explore z`);
    space = s;
    point = new Array(spaceDim()).fill(0);
    dims = [0, Math.min(1, spaceDim() - 1)];
    fillDimSelects();
    refreshCloud();
    render();
  }

  function fillDimSelects() {
    for (const [k, id] of [[0, "dim-a"], [1, "dim-b"]]) {
      const sel = $(id);
      sel.innerHTML = "";
      for (let i = 0; i < spaceDim(); i++) sel.add(new Option(`${space}${i + 1}`, String(i), false, i === dims[k]));
    }
    $("space").value = space;
  }

  function start() {
    const { topology, weights } = weightsFromModelJs();
    model = plainModel(tf, topology, weights);
    const mapIssues = model.unsupported.filter((u) => u.startsWith("mapping"));
    const decIssues = model.unsupported.filter((u) => u.startsWith("decoder"));
    if (decIssues.length) throw new Error(`this page cannot run the decoder in plain tfjs: ${decIssues.join("; ")}`);
    if (mapIssues.length) {
      model.unsupportedMap = mapIssues.join("; ");
      if (!cfg.zDim) throw new Error(`this page cannot run the mapping in plain tfjs: ${model.unsupportedMap}`);
      say(`the mapping uses what this page cannot run in plain tfjs (${model.unsupportedMap}); exploring z instead of y`, "warn");
      space = "z";
    }
    const trav = $("traversal");
    for (let k = 0; k < STEPS; k++) {
      const c = document.createElement("canvas");
      c.width = c.height = 72;
      trav.appendChild(c);
    }
    point = new Array(spaceDim()).fill(0);
    dims = [0, Math.min(1, spaceDim() - 1)];
    fillDimSelects();
    const pad = $("pad");
    const drag = (e) => {
      if (e.type !== "pointerdown" && !(e.buttons & 1)) return;
      const r = pad.getBoundingClientRect();
      setPoint(((e.clientX - r.left) / r.width) * 2 * RANGE - RANGE, RANGE - ((e.clientY - r.top) / r.height) * 2 * RANGE);
    };
    pad.addEventListener("pointerdown", drag);
    pad.addEventListener("pointermove", drag);
    $("dim-a").addEventListener("change", () => setDims(Number($("dim-a").value), dims[1]));
    $("dim-b").addEventListener("change", () => setDims(dims[0], Number($("dim-b").value)));
    $("space").addEventListener("change", (e) => {
      try {
        setSpace(e.target.value);
      } catch (err) {
        say(String(err.message || err), "error");
        $("space").value = space;
      }
    });
    refreshCloud();
    render();
  }

  // the cpu backend: float32 arithmetic as in Node, up to rounding (WebGL may compute in float16)
  const ready = tf.setBackend("cpu").then(start);
  ready.catch((e) => say(String((e && e.message) || e), "error"));
  window.explore = {
    ready,
    setPoint,
    setDims,
    setSpace,
    /** the full latent vector and the space it is in */
    state: () => ({ space, dims: dims.slice(), point: point && point.slice() }),
    decoded: () => (decoded ? Array.from(decoded) : null),
    unsupported: () => (model ? model.unsupported.slice() : null),
  };
})();
