// retrograd playground front end: plain JavaScript, no build step, no CDN.
// The server (retrograd's engine) computes everything; this file only draws
// the state it streams (server-sent events) and posts the user's clicks.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  const NEG = [245, 147, 34];
  const POS = [8, 119, 189];
  const MID = [232, 234, 235];

  // Exposed for tests and curious learners: window.playground.snap is the last state.
  const pg = { id: null, snap: null, meta: null, points: null, source: null };
  window.playground = pg;

  // ---- talking to the server ------------------------------------------------------
  async function api(path, method = "GET", body = undefined, contentType = "application/json") {
    const opts = { method, headers: {} };
    if (body !== undefined) {
      opts.headers["Content-Type"] = contentType;
      opts.body = contentType === "application/json" ? JSON.stringify(body) : body;
    }
    const r = await fetch(path, opts);
    let data;
    try { data = await r.json(); } catch (e) { data = { error: r.statusText }; }
    if (!r.ok) throw new Error(data.error || r.statusText);
    return data;
  }
  const sessionPath = (suffix = "") => `/api/sessions/${pg.id}${suffix}`;

  function showError(message) {
    const el = $("error");
    el.textContent = message || "";
    el.hidden = !message;
  }

  async function act(path, body) {
    try {
      const r = await api(sessionPath(path), "POST", body === undefined ? {} : body);
      showError(null);
      applySnapshot(r.state || r);
      return r;
    } catch (e) {
      showError(e.message);
      return null;
    }
  }

  const configure = (changes) => act("/config", changes);

  // ---- numbers and colours -------------------------------------------------------------
  function fmt(v, digits = 3) {
    if (v === null || v === undefined || Number.isNaN(v)) return "—";
    if (v === 0) return "0";
    const a = Math.abs(v);
    return a >= 1e-3 && a < 1e4 ? v.toFixed(digits) : v.toExponential(2);
  }
  const precise = (v) => (v === null || v === undefined ? "—" : Number(v).toPrecision(6));

  function colour(t) { // t in [-1, 1] -> rgb array (orange negative, blue positive)
    const end = t < 0 ? NEG : POS;
    const s = Math.min(1, Math.abs(t));
    return MID.map((m, k) => Math.round(m + (end[k] - m) * s));
  }
  const css = (rgb, alpha = 1) => `rgba(${rgb[0]},${rgb[1]},${rgb[2]},${alpha})`;

  function decode(b64) {
    const bin = atob(b64);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function paintGrid(canvas, b64, n, strength = 1) { // heatmap bytes (0..255 = -1..1) onto an n x n canvas
    canvas.width = n; canvas.height = n;
    const ctx = canvas.getContext("2d");
    const img = ctx.createImageData(n, n);
    const bytes = decode(b64);
    for (let i = 0; i < n * n; i++) {
      const c = colour((bytes[i] / 127.5 - 1) * strength);
      img.data.set([c[0], c[1], c[2], 255], 4 * i);
    }
    ctx.putImageData(img, 0, 0);
  }

  const thumbCache = new Map();
  function thumbnail(b64, n) { // data URL of a neuron's picture (cached by content)
    let url = thumbCache.get(b64);
    if (!url) {
      const c = document.createElement("canvas");
      paintGrid(c, b64, n);
      url = c.toDataURL();
      if (thumbCache.size > 2000) thumbCache.clear();
      thumbCache.set(b64, url);
    }
    return url;
  }

  // ---- building the controls from /api/meta -------------------------------------------
  const DATASET_LABELS = {
    xor: "XOR", circles: "Circles", spirals: "Spirals", blobs: "Clusters", moons: "Moons",
    plane: "Plane (reg.)", gauss: "Bumps (reg.)",
  };

  function fillSelect(id, values, labels = {}) {
    const sel = $(id);
    if ([...sel.options].map((o) => o.value).join() === values.join()) return;
    sel.innerHTML = "";
    for (const v of values) {
      const o = document.createElement("option");
      o.value = v; o.textContent = labels[v] || v;
      sel.appendChild(o);
    }
  }

  function buildControls(meta) {
    fillSelect("activation", meta.activations);
    fillSelect("optimizer", meta.optimizers, {
      momentum: "SGD + momentum", sgd: "SGD", adam: "Adam", rmsprop: "RMSprop", adagrad: "Adagrad",
    });
    fillSelect("regularization", meta.regularizations, { none: "None", l1: "L1", l2: "L2" });
    const grid = $("datasets");
    for (const name of [...meta.classification_sets, ...meta.regression_sets]) {
      const b = document.createElement("button");
      b.textContent = DATASET_LABELS[name] || name;
      b.dataset.name = name;
      b.addEventListener("click", () => chooseDataset(name));
      grid.appendChild(b);
    }
    const feats = $("features");
    for (const f of meta.features) {
      const l = document.createElement("label");
      const cb = document.createElement("input");
      cb.type = "checkbox"; cb.value = f;
      cb.addEventListener("change", () => {
        const chosen = [...feats.querySelectorAll("input:checked")].map((x) => x.value);
        if (!chosen.length) { cb.checked = true; return; }
        configure({ features: chosen.join(",") });
      });
      l.append(cb, " " + f);
      feats.appendChild(l);
    }
  }

  function chooseDataset(name) {
    const regression = pg.meta.regression_sets.includes(name);
    const loss = pg.snap.config.loss;
    const ok = regression ? pg.meta.regression_losses : pg.meta.classification_losses;
    configure({ dataset: name, preset: "", loss: ok.includes(loss) ? loss : ok[0] });
  }

  function wireControls() {
    $("btn-play").addEventListener("click", () => act(pg.snap.playing ? "/pause" : "/play"));
    $("btn-step").addEventListener("click", () => act("/step", { n: 1 }));
    $("btn-phase").addEventListener("click", () => act("/phase"));
    $("btn-reset").addEventListener("click", () => act("/reset", { new_seed: false }));
    $("btn-newseed").addEventListener("click", () => act("/reset", { new_seed: true }));
    $("btn-textbook").addEventListener("click", () => configure({ preset: "textbook" }));
    $("btn-term").addEventListener("click", () => act("/term"));
    $("btn-regen").addEventListener("click", () => configure({ data_seed: pg.snap.config.data_seed + 1 }));
    $("btn-link").addEventListener("click", async () => {
      try { await navigator.clipboard.writeText(location.href); $("btn-link").textContent = "Copied!"; }
      catch (e) { window.prompt("Copy this link:", location.href); }
      setTimeout(() => { $("btn-link").textContent = "Copy link"; }, 1500);
    });
    for (const id of ["lr", "activation", "loss", "optimizer", "regularization", "reg_rate",
      "batch_size", "seed"]) {
      $(id).addEventListener("change", (ev) => configure({ [id]: ev.target.value }));
    }
    for (const [id, out] of [["noise", "noise-out"], ["test_ratio", "test-out"], ["n_samples", "n-out"]]) {
      $(id).addEventListener("input", (ev) => { $(out).textContent = sliderText(id, ev.target.value); });
      $(id).addEventListener("change", (ev) => configure({ [id]: ev.target.value }));
    }
    $("btn-add-layer").addEventListener("click", () => {
      const h = pg.snap.config.hidden;
      if (h.length < pg.meta.max_hidden_layers) configure({ hidden: [...h, 2].join(",") });
    });
    $("btn-remove-layer").addEventListener("click", () => {
      const h = pg.snap.config.hidden;
      configure({ hidden: h.slice(0, -1).join(",") });
    });
    $("csv").addEventListener("change", async (ev) => {
      const file = ev.target.files[0];
      if (!file) return;
      if (file.size > pg.meta.max_csv_bytes) {
        showError(`CSV file is ${file.size} bytes; the playground accepts at most ${pg.meta.max_csv_bytes} bytes`);
        return;
      }
      try {
        const snap = await api(sessionPath("/csv"), "POST", await file.text(), "text/csv");
        showError(null);
        applySnapshot(snap);
      } catch (e) { showError(e.message); }
      ev.target.value = "";
    });
    $("show-test").addEventListener("change", () => drawHeatmap(pg.snap));
  }

  function sliderText(id, v) {
    if (id === "test_ratio") return `${Math.round(v * 100)}%`;
    return String(v);
  }

  // ---- state in, pictures out -------------------------------------------------------------
  function applySnapshot(snap) {
    if (!snap || (pg.snap && snap.version < pg.snap.version)) return;
    if (pg.snap && snap.version === pg.snap.version && !snap.points) return; // already drawn
    if (snap.points) pg.points = snap.points;
    pg.snap = snap;
    render(snap);
  }

  function setValue(id, v) {
    const el = $(id);
    if (document.activeElement === el) return;
    if (el.tagName === "SELECT" && ![...el.options].some((o) => o.value === String(v))) {
      const o = document.createElement("option");
      o.value = String(v); o.textContent = String(v);
      el.appendChild(o);
    }
    el.value = String(v);
  }

  function render(snap) {
    const c = snap.config;
    const textbook = snap.task === "textbook";
    $("steps").textContent = snap.steps;
    $("epochs").textContent = snap.epochs;
    $("btn-play").textContent = snap.playing ? "⏸ Pause" : "▶ Play";
    if (snap.error) showError(snap.error);
    const losses = snap.task === "regression" ? pg.meta.regression_losses
      : textbook ? ["half_sse"] : pg.meta.classification_losses;
    fillSelect("loss", losses, { bce: "Cross-entropy", mse: "MSE", huber: "Huber", half_sse: "½Σ(t−o)²" });
    setValue("loss", textbook ? "half_sse" : c.loss);
    for (const k of ["lr", "activation", "optimizer", "regularization", "reg_rate", "batch_size",
      "seed", "noise", "test_ratio", "n_samples"]) setValue(k, c[k]);
    $("noise-out").textContent = sliderText("noise", c.noise);
    $("test-out").textContent = sliderText("test_ratio", c.test_ratio);
    $("n-out").textContent = sliderText("n_samples", c.n_samples);
    for (const id of ["activation", "loss", "optimizer", "regularization", "reg_rate", "batch_size", "lr"]) {
      $(id).disabled = textbook;
    }
    for (const b of $("datasets").children) {
      b.classList.toggle("active", !textbook && b.dataset.name === c.dataset);
    }
    for (const cb of $("features").querySelectorAll("input")) {
      cb.checked = snap.features.includes(cb.value);
      cb.disabled = textbook;
    }
    const query = new URLSearchParams(snap.query).toString();
    if (location.search !== "?" + query) history.replaceState(null, "", "?" + query);
    const nh = snap.sizes.length - 2;
    $("layer-count").textContent = `${nh} hidden layer${nh === 1 ? "" : "s"}`;
    $("btn-add-layer").disabled = textbook || nh >= pg.meta.max_hidden_layers;
    $("btn-remove-layer").disabled = textbook || nh === 0;
    drawNetwork(snap);
    drawMetrics(snap);
    drawLossCurve(snap);
    drawHeatmap(snap);
    drawPhasePanel(snap);
    drawDerivation(snap);
  }

  // ---- the network diagram ------------------------------------------------------------------
  function neuronName(snap, layer, k) { // layer 0 = inputs
    if (snap.task === "textbook") return [["i1", "i2"], ["h1", "h2"], ["o1", "o2"]][layer][k];
    if (layer === 0) return snap.features[k];
    return layer === snap.sizes.length - 1 ? "out" : `[${layer},${k + 1}]`;
  }

  let lastPhaseKey = "";
  function drawNetwork(snap) {
    const svg = $("network");
    const sizes = snap.sizes;
    const L = sizes.length;
    const width = Math.max(svg.clientWidth || 600, 120 * L);
    const node = 34;
    const gapY = 30;
    const maxN = Math.max(...sizes);
    const height = 40 + maxN * (node + gapY);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.style.height = height + "px";
    svg.innerHTML = "";
    const xs = sizes.map((_, l) => 40 + (l * (width - 80 - node)) / (L - 1));
    const ys = sizes.map((n) => Array.from({ length: n }, (_, k) => 20 + (maxN - n) * (node + gapY) / 2 + k * (node + gapY)));
    const phase = snap.phase ? snap.phase.phase : null;
    const byGrad = phase === "backward" && snap.phase.grad_w;
    // update phase: edges show how much each weight moved (Δw), like ∂L/∂w after backward
    const byDelta = phase === "update" && snap.phase.delta_w;
    const edgeValues = byGrad ? snap.phase.grad_w : byDelta ? snap.phase.delta_w : snap.weights.w;
    // animate only when the backward phase first appears (not on every redraw)
    const phaseKey = phase ? `${snap.steps}:${phase}:${snap.phase.batch}` : "";
    const animate = phaseKey !== lastPhaseKey;
    lastPhaseKey = phaseKey;
    const later = [];
    let scale = 1;
    if (byGrad || byDelta) scale = Math.max(1e-12, ...edgeValues.flat(2).map(Math.abs));
    // edges, layer by layer: weight[j][i] joins unit i of layer l to unit j of layer l+1
    for (let l = 0; l < L - 1; l++) {
      const W = edgeValues[l];
      for (let j = 0; j < sizes[l + 1]; j++) {
        for (let i = 0; i < sizes[l]; i++) {
          const w = W[j][i];
          const t = byGrad || byDelta ? w / scale : Math.tanh(w);
          const x1 = xs[l] + node, y1 = ys[l][i] + node / 2;
          const x2 = xs[l + 1], y2 = ys[l + 1][j] + node / 2;
          const mx = (x1 + x2) / 2;
          const p = document.createElementNS(SVG, "path");
          p.setAttribute("d", `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`);
          p.setAttribute("class", "edge");
          const stroke = css(colour(t));
          const widthPx = String(0.6 + Math.min(6, Math.abs(t) * 6));
          p.dataset.layer = l; p.dataset.j = j; p.dataset.i = i;
          if (byDelta) {
            p.classList.add("delta");
            p.dataset.delta = String(w);
            const title = document.createElementNS(SVG, "title");
            title.textContent = `Δw = ${precise(w)}`;
            p.appendChild(title);
          }
          if (byGrad && animate) {
            // the gradients flow backward: the output layer's edges change first
            const w0 = Math.tanh(snap.weights.w[l][j][i]);
            p.style.stroke = css(colour(w0));
            p.style.strokeWidth = String(0.6 + Math.min(6, Math.abs(w0) * 6));
            const delay = (L - 2 - l) * 0.4;
            p.style.transition = `stroke-width 0.35s ${delay}s, stroke 0.35s ${delay}s`;
            later.push(() => { p.style.stroke = stroke; p.style.strokeWidth = widthPx; });
          } else {
            p.setAttribute("stroke", stroke);
            p.setAttribute("stroke-width", widthPx);
          }
          p.addEventListener("mouseenter", (ev) => hoverWeight(ev, l, j, i));
          p.addEventListener("mouseleave", () => { $("tooltip").hidden = true; });
          svg.appendChild(p);
        }
      }
    }
    // neurons: each one's picture of the input square, its name, and step-through values
    const pics = snap.heatmaps.neurons;
    const n = snap.heatmaps.neuron_grid;
    for (let l = 0; l < L; l++) {
      for (let k = 0; k < sizes[l]; k++) {
        const img = document.createElementNS(SVG, "image");
        img.setAttribute("href", thumbnail(pics[l][k], n));
        img.setAttribute("x", xs[l]); img.setAttribute("y", ys[l][k]);
        img.setAttribute("width", node); img.setAttribute("height", node);
        img.setAttribute("preserveAspectRatio", "none");
        svg.appendChild(img);
        const box = document.createElementNS(SVG, "rect");
        box.setAttribute("class", "neuron-box");
        box.setAttribute("x", xs[l]); box.setAttribute("y", ys[l][k]);
        box.setAttribute("width", node); box.setAttribute("height", node);
        svg.appendChild(box);
        const name = document.createElementNS(SVG, "text");
        name.setAttribute("class", "name");
        name.setAttribute("x", xs[l]); name.setAttribute("y", ys[l][k] - 3);
        name.textContent = neuronName(snap, l, k);
        svg.appendChild(name);
        const label = neuronLabel(snap, l, k);
        if (label) {
          const t = document.createElementNS(SVG, "text");
          t.setAttribute("class", "value" + (label.grad ? " grad" : ""));
          t.setAttribute("x", xs[l]); t.setAttribute("y", ys[l][k] + node + 11);
          t.textContent = label.text;
          t.dataset.layer = l; t.dataset.k = k;
          if (label.grad && animate) {
            t.style.opacity = "0";
            t.style.transition = `opacity 0.35s ${(L - 1 - l) * 0.4}s`;
            later.push(() => { t.style.opacity = "1"; });
          }
          svg.appendChild(t);
        }
      }
    }
    if (later.length) requestAnimationFrame(() => requestAnimationFrame(() => later.forEach((f) => f())));
    // neuron +/- buttons above each hidden layer
    const holder = $("layer-buttons");
    holder.innerHTML = "";
    if (snap.task === "textbook") return;
    const rect = svg.getBoundingClientRect();
    const ratio = rect.width / width || 1;
    for (let l = 1; l < L - 1; l++) {
      const d = document.createElement("div");
      d.style.left = (xs[l] + node / 2) * ratio + "px";
      const plus = document.createElement("button");
      plus.textContent = "+"; plus.title = "Add a neuron";
      plus.disabled = sizes[l] >= pg.meta.max_neurons;
      const minus = document.createElement("button");
      minus.textContent = "−"; minus.title = "Remove a neuron";
      minus.disabled = sizes[l] <= 1;
      const change = (delta) => {
        const h = [...snap.config.hidden];
        h[l - 1] += delta;
        configure({ hidden: h.join(",") });
      };
      plus.addEventListener("click", () => change(1));
      minus.addEventListener("click", () => change(-1));
      d.append(plus, " ", `${sizes[l]} `, minus);
      holder.appendChild(d);
    }
  }

  function neuronLabel(snap, l, k) { // the step-through value shown under neuron k of layer l
    const p = snap.phase;
    if (!p) return null;
    if (l === 0) return { text: `x=${fmt(p.x[k])}` };
    const last = snap.sizes.length - 1;
    if (p.phase === "forward" || (p.phase === "error" && l < last)) return { text: `a=${fmt(p.a[l - 1][k])}` };
    if (p.phase === "error") return { text: `a=${fmt(p.a[l - 1][k])} t=${fmt(p.target[k] ?? p.target[0])}` };
    if (p.phase === "backward") return { text: `∂L/∂z=${fmt(p.dz[l - 1][k], 4)}`, grad: true };
    if (p.phase === "update") {
      if (snap.task === "textbook") return { text: "b fixed" }; // as in the textbook
      return { text: `Δb=${fmt(p.delta_b[l - 1][k], 4)}` };
    }
    return null;
  }

  async function hoverWeight(ev, layer, j, i) {
    const tip = $("tooltip");
    const x = ev.clientX + 14, y = ev.clientY + 10;
    try {
      const info = await api(sessionPath(`/weight?layer=${layer}&j=${j}&i=${i}`));
      let html = `<b>${info.weight}</b><br>value ${precise(info.value)}<br>gradient ∂L/∂w ${precise(info.grad)}`;
      if (info.factors) {
        html += `<br><br>chain rule for the last step (sample 1 of ${info.batch_size}):<table>`;
        for (const f of info.factors) html += `<tr><td>${f.name}</td><td>${precise(f.value)}</td></tr>`;
        html += `<tr><td><b>product</b></td><td><b>${precise(info.product)}</b></td></tr></table>`;
        if (info.penalty) html += `+ penalty term ${info.penalty.name} = ${precise(info.penalty.value)}<br>`;
        if (info.batch_grad !== undefined) html += `explain mode's batch gradient${info.penalty ? " (data term + penalty term)" : ""}: ${precise(info.batch_grad)}<br>`;
        if (info.batch_size > 1) html += "The engine's ∂L/∂w combines these products over the batch.<br>";
        html += `<span class="hint">factors from ${info.source}${info.note ? " (" + info.note + ")" : ""}</span>`;
      }
      tip.innerHTML = html;
      tip.style.left = x + "px"; tip.style.top = y + "px";
      tip.hidden = false;
    } catch (e) { tip.hidden = true; }
  }

  // ---- metrics, curves and the output heatmap --------------------------------------------------
  function last(arr) { return arr.length ? arr[arr.length - 1] : null; }

  function drawMetrics(snap) {
    const h = snap.history;
    $("train-loss").textContent = fmt(last(h.train_loss));
    $("test-loss").textContent = fmt(last(h.test_loss));
    const acc = (v) => (v === null ? "—" : `${(100 * v).toFixed(1)}%`);
    $("train-acc").textContent = acc(last(h.train_acc));
    $("test-acc").textContent = acc(last(h.test_acc));
  }

  function drawLossCurve(snap) {
    const cv = $("loss-curve");
    const ctx = cv.getContext("2d");
    const W = cv.width, H = cv.height;
    ctx.clearRect(0, 0, W, H);
    const h = snap.history;
    const vals = [...h.train_loss, ...h.test_loss].filter((v) => v !== null);
    if (!vals.length || h.step.length < 2) return;
    const top = Math.max(...vals) * 1.05 || 1;
    const x0 = h.step[0], x1 = last(h.step) || 1;
    const px = (s) => ((s - x0) / Math.max(1, x1 - x0)) * (W - 4) + 2;
    const py = (v) => H - 2 - (v / top) * (H - 4);
    for (const [key, style] of [["test_loss", "#999"], ["train_loss", "#111"]]) {
      ctx.beginPath(); ctx.strokeStyle = style; ctx.lineWidth = 1.5;
      let started = false;
      h[key].forEach((v, k) => {
        if (v === null) return;
        if (!started) { ctx.moveTo(px(h.step[k]), py(v)); started = true; } else ctx.lineTo(px(h.step[k]), py(v));
      });
      ctx.stroke();
    }
  }

  const gridCanvas = document.createElement("canvas");
  function drawHeatmap(snap) {
    if (!snap) return;
    const cv = $("heatmap");
    const ctx = cv.getContext("2d");
    const hm = snap.heatmaps;
    paintGrid(gridCanvas, hm.output, hm.output_grid, 0.65);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(gridCanvas, 0, 0, cv.width, cv.height);
    if (!pg.points) return;
    const D = hm.domain;
    const px = (v) => ((v + D) / (2 * D)) * cv.width;
    const py = (v) => ((D - v) / (2 * D)) * cv.height;
    const classify = snap.task === "classification";
    const draw = (pts, stroke) => {
      for (const [a, b, t] of pts) {
        ctx.beginPath();
        ctx.arc(px(a), py(b), 3.2, 0, 2 * Math.PI);
        ctx.fillStyle = css(classify ? (t > 0.5 ? POS : NEG) : colour(t));
        ctx.fill();
        ctx.strokeStyle = stroke; ctx.lineWidth = 1; ctx.stroke();
      }
    };
    draw(pg.points.train, "#fff");
    if ($("show-test").checked) draw(pg.points.test, "#000");
  }

  // ---- step-through and the textbook derivation ---------------------------------------------------
  const MAX_TABLE_ROWS = 80; // the step-through table lists this many weights at most
  const PHASE_TEXT = {
    forward: "Forward: each neuron computes z = w·a + b, then a = f(z). Values shown for sample 1 of the batch.",
    error: "Error: the loss compares the outputs with the targets.",
    backward: "Backward: loss.backward() sends ∂L/∂z back through the layers (edges now show ∂L/∂w).",
    update: "Update: the optimizer moves every weight against its gradient (w ← w − lr·∂L/∂w for SGD); edges and the table now show Δw.",
  };

  function drawPhasePanel(snap) {
    const p = snap.phase;
    const label = $("phase-label");
    label.className = "phase-label" + (p ? " " + p.phase : "");
    label.textContent = p ? p.phase : snap.playing ? "training" : "ready";
    $("phase-panel").hidden = !p;
    if (!p) return;
    $("phase-title").textContent = `Step-through: ${p.phase}`;
    let summary = PHASE_TEXT[p.phase];
    if (p.loss !== undefined && p.loss !== null) summary += ` Loss on this batch: ${precise(p.loss)}.`;
    $("phase-summary").textContent = summary;
    const body = $("grad-table").querySelector("tbody");
    body.innerHTML = "";
    const W = snap.weights.w;
    const D = p.phase === "update" && p.delta_w ? p.delta_w : null;
    let rows = 0;
    for (let l = 0; l < W.length && rows < MAX_TABLE_ROWS; l++) {
      for (let j = 0; j < W[l].length && rows < MAX_TABLE_ROWS; j++) {
        for (let i = 0; i < W[l][j].length && rows < MAX_TABLE_ROWS; i++, rows++) {
          const tr = document.createElement("tr");
          const g = p.grad_w ? p.grad_w[l][j][i] : null;
          const d = D ? D[l][j][i] : null;
          tr.innerHTML = `<td>${neuronName(snap, l, i)}→${neuronName(snap, l + 1, j)}</td>` +
            `<td>${precise(W[l][j][i])}</td><td class="grad">${precise(g)}</td>` +
            `<td class="delta">${precise(d)}</td>`;
          for (const cell of tr.querySelectorAll(".grad, .delta")) {
            cell.dataset.layer = l; cell.dataset.j = j; cell.dataset.i = i;
          }
          body.appendChild(tr);
        }
      }
    }
    const total = W.reduce((n, layer) => n + layer.reduce((m, row) => m + row.length, 0), 0);
    if (total > rows) {
      const tr = document.createElement("tr");
      tr.className = "more";
      tr.innerHTML = `<td colspan="4">… ${total - rows} more weight${total - rows === 1 ? "" : "s"} not shown</td>`;
      body.appendChild(tr);
    }
  }

  function drawDerivation(snap) {
    const panel = $("derivation-panel");
    panel.hidden = snap.task !== "textbook";
    if (panel.hidden) return;
    const ol = $("derivation");
    ol.innerHTML = "";
    snap.derivation.forEach((term, k) => {
      const li = document.createElement("li");
      li.className = term.kind + (k === snap.derivation.length - 1 ? " latest" : "");
      li.textContent = term.text;
      ol.appendChild(li);
    });
    ol.scrollTop = ol.scrollHeight; // the newest term stays in view inside the list
    $("btn-term").textContent = snap.derivation.length && snap.derivation.length === snap.derivation_total
      ? "Next step" : "Next term";
  }

  // ---- start ---------------------------------------------------------------------------------------
  function connect() {
    if (pg.source) pg.source.close();
    const es = new EventSource(sessionPath("/events"));
    es.addEventListener("state", (ev) => applySnapshot(JSON.parse(ev.data)));
    es.addEventListener("closed", () => { es.close(); showError("This session ended; reload the page."); });
    pg.source = es;
  }

  async function init() {
    try {
      pg.meta = await api("/api/meta");
    } catch (e) { showError(e.message); return; }
    buildControls(pg.meta);
    wireControls();
    const query = Object.fromEntries(new URLSearchParams(location.search));
    let created;
    try {
      created = await api("/api/sessions", "POST", { config: query });
    } catch (e) {
      showError(`The link's settings could not be used (${e.message}); starting with the defaults.`);
      created = await api("/api/sessions", "POST", { config: {} });
    }
    pg.id = created.id;
    applySnapshot(created.state);
    connect();
    window.addEventListener("resize", () => pg.snap && drawNetwork(pg.snap));
    document.body.dataset.ready = "1";
  }

  init();
})();
