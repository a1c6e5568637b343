/* The review page's behaviour: zoomable diagrams, the device that follows the walk's product graph, sign-off export.
 *
 * No engine here: every key press follows an edge the exhaustive walk found (see simulator/report/page_graph.py),
 * so the device does what the spec does. window.kmsflowReview is the page's API (the tests and the bench use it).
 */
(function () {
  "use strict";
  const DATA = JSON.parse(document.getElementById("review-data").textContent);
  // A page made without the product graph (a flow too big to embed) reads and signs off, but does not play.
  const EMPTY = { width: 1, count: 0, data: "" };
  const G = DATA.graph || { nodes: EMPTY, edge_start: EMPTY, edge_event: EMPTY, edge_target: EMPTY, edge_step: EMPTY,
    cut: EMPTY, variables: [], flows: 0, events: [], screens: [], values: {}, starts: [], counters: [], steps: [],
    bounds: {}, parameters: {}, transitions: [] };

  // -- packed arrays (little-endian, 1/2/4 bytes per number) -------------------------------------------------
  function unpack(packed) {
    const text = atob(packed.data), bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const view = new DataView(bytes.buffer), out = new Uint32Array(packed.count), w = packed.width;
    if (w === 1) out.set(bytes);
    else if (w === 2) for (let i = 0; i < packed.count; i++) out[i] = view.getUint16(2 * i, true);
    else for (let i = 0; i < packed.count; i++) out[i] = view.getUint32(4 * i, true);
    return out;
  }
  const nodes = unpack(G.nodes), edgeStart = unpack(G.edge_start), edgeEvent = unpack(G.edge_event);
  const edgeTarget = unpack(G.edge_target), edgeStep = unpack(G.edge_step), cutPairs = unpack(G.cut);
  const NV = G.variables.length, STRIDE = 1 + NV + G.flows;
  const eventIndex = {};
  G.events.forEach((name, i) => { eventIndex[name] = i; });
  const cut = new Set();
  for (let i = 0; i < cutPairs.length; i += 2) cut.add(cutPairs[i] * G.events.length + cutPairs[i + 1]);

  function screenOf(node) { return G.screens[nodes[node * STRIDE]]; }
  function keptWorld(node) {
    const world = {};
    G.variables.forEach((name, i) => { world[name] = G.values[name][nodes[node * STRIDE + 1 + i]]; });
    return world;
  }
  function edgeFor(node, event) {
    const e = eventIndex[event];
    if (e === undefined) return -1;
    for (let k = edgeStart[node]; k < edgeStart[node + 1]; k++) if (edgeEvent[k] === e) return k;
    return -1;
  }
  function isCut(node, event) {
    const e = eventIndex[event];
    return e !== undefined && cut.has(node * G.events.length + e);
  }

  // -- the run: a start, the steps taken, the counters (not kept by the walk: summed along the edges) ----------
  const run = { start: DATA.defaultStart, node: 0, counters: {}, steps: [] };

  function startRun(index) {
    const start = G.starts[index];
    run.start = index;
    run.node = start.node;
    run.counters = {};
    G.counters.forEach((name) => { run.counters[name] = start.world[name] || 0; });
    run.steps = [];
  }
  function world() { return Object.assign(keptWorld(run.node), run.counters); }
  function values() { return Object.assign({}, G.parameters, world()); }

  function fire(event) {
    const k = edgeFor(run.node, event);
    if (k < 0) return { accepted: false, beyond: isCut(run.node, event) };
    const step = G.steps[edgeStep[k]];
    const before = { node: run.node, counters: Object.assign({}, run.counters) };
    G.counters.forEach((name, i) => { run.counters[name] += step.counters[i]; });
    run.steps.push({ event: event, before: before, step: step, account: keptWorld(before.node)[DATA.account] });
    run.node = edgeTarget[k];
    return { accepted: true, beyond: false };
  }
  function undo() {
    const last = run.steps.pop();
    if (!last) return false;
    run.node = last.before.node;
    run.counters = last.before.counters;
    return true;
  }
  function state() { return { screen: screenOf(run.node), world: world() }; }

  // -- the phone --------------------------------------------------------------------------------------------
  function fill(template, vals) {
    return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (all, name) =>
      name in vals ? (vals[name] === null ? "-" : String(vals[name])) : all).replace(/\{\{/g, "{").replace(/\}\}/g, "}");
  }
  function offered(node) {
    const set = new Set();
    for (let k = edgeStart[node]; k < edgeStart[node + 1]; k++) set.add(G.events[edgeEvent[k]]);
    G.events.forEach((name) => { if (isCut(node, name)) set.add(name); });
    return set;
  }
  function labelEvent(label, allowed) {
    if (!label) return null;
    for (const name of allowed) {
      const e = DATA.events[name];
      if (e.kind === "user" && e.label.toLowerCase() === label.toLowerCase()) return name;
    }
    return null;
  }
  let highlighted = null;
  const el = (tag, attrs, text) => {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  };

  function press(event) {
    const result = fire(event);
    say(result.accepted ? "" : result.beyond
      ? "The walk stops here (" + boundsText() + "), so the page cannot follow this step."
      : "Nothing happens: the app does not take “" + label(event) + "” now.");
    highlighted = null;
    render();
    return result;
  }
  function label(event) { return DATA.events[event] ? DATA.events[event].label : event; }
  function boundsText() {
    return Object.entries(G.bounds).map(([k, v]) => DATA.variables[k] + " at most " + v).join(", ");
  }
  function say(text) { document.getElementById("message").textContent = text; }

  function renderPhone() {
    const screen = screenOf(run.node), meta = DATA.screens[screen], vals = values();
    const allowed = offered(run.node);
    const phone = document.getElementById("phone");
    phone.replaceChildren();
    phone.dataset.screen = screen;
    const box = el("div", { class: "screen" });
    box.append(el("div", { class: "title" }, fill(meta.title, vals)));
    const body = el("div", { class: "body" });
    if (meta.status) body.append(el("div", { class: "status" }, fill(meta.status, vals)));
    const used = new Set();
    if ((meta.kind === "menu" || meta.kind === "list") && meta.items.length) {
      const list = el("ol", { class: "items" });
      meta.items.forEach(([item, event]) => {
        if (event && !allowed.has(event)) return;
        if (event) used.add(event);
        const li = el("li");
        const button = el("button", { type: "button", "data-item": item }, item);
        if ((highlighted || firstItem(meta, allowed)) === item) button.classList.add("highlighted");
        button.addEventListener("click", () => { if (event) press(event); else { highlighted = item; render(); } });
        li.append(button);
        list.append(li);
      });
      body.append(list);
    }
    let text = fill(meta.text, vals);
    if (!text && meta.kind === "closed") text = "The app is closed.";
    if (!text && meta.kind === "system") text = "Please wait...";
    if (text) body.append(el("p", { class: "text" }, text));
    box.append(body);
    const keys = el("div", { class: "softkeys" });
    meta.softkeys.forEach((keyLabel, side) => {
      const event = softkeyEvent(meta, side, allowed);
      if (event) used.add(event);
      const button = el("button", { type: "button", "data-softkey": side === 0 ? "left" : "right" }, keyLabel);
      button.disabled = !event;
      button.addEventListener("click", () => { if (event) press(event); });
      keys.append(button);
    });
    box.append(keys);
    phone.append(box);
    const other = el("div", { class: "other" });
    allowed.forEach((event) => {
      if (used.has(event) || DATA.events[event].kind !== "user") return;
      const button = el("button", { type: "button", "data-event": event }, label(event));
      button.addEventListener("click", () => press(event));
      other.append(button);
    });
    if (other.childElementCount) phone.append(other);
  }
  function firstItem(meta, allowed) {
    const found = meta.items.find(([, event]) => !event || allowed.has(event));
    return found ? found[0] : null;
  }
  function softkeyEvent(meta, side, allowed) {
    const keyLabel = meta.softkeys[side];
    const byLabel = labelEvent(keyLabel, allowed);
    if (byLabel || !keyLabel || (meta.kind !== "menu" && meta.kind !== "list")) return byLabel;
    const chosen = highlighted || firstItem(meta, allowed);
    const item = meta.items.find(([name, event]) => name === chosen && event && allowed.has(event))
      || meta.items.find(([, event]) => event && allowed.has(event));
    return item ? item[1] : null;
  }

  // -- the world, its controls, the path ----------------------------------------------------------------------
  function worldWords(w) {
    return Object.entries(w).map(([k, v]) => (DATA.variables[k] || k) + " " + v).join(", ");
  }
  function renderWorld() {
    const list = document.getElementById("world");
    list.replaceChildren();
    const w = world();
    Object.entries(w).forEach(([k, v]) => {
      list.append(el("dt", {}, DATA.variables[k] || k));
      list.append(el("dd", { "data-variable": k }, String(v)));
    });
    Object.entries(G.parameters).forEach(([k, v]) => {
      list.append(el("dt", {}, k.replace(/_/g, " ")));
      list.append(el("dd", { "data-parameter": k }, String(v)));
    });
    const controls = document.getElementById("controls");
    controls.replaceChildren();
    G.events.forEach((event) => {
      if (DATA.events[event].kind !== "environment") return;
      const button = el("button", { type: "button", "data-event": event }, label(event));
      const ok = edgeFor(run.node, event) >= 0;
      button.disabled = !ok;
      if (!ok && isCut(run.node, event)) button.title = "The walk stops at " + boundsText();
      button.addEventListener("click", () => press(event));
      controls.append(button);
    });
    document.getElementById("undo").disabled = run.steps.length === 0;
  }
  function renderPath() {
    const list = document.getElementById("path");
    list.replaceChildren();
    let previous = G.starts[run.start].world;
    run.steps.forEach((s, i) => {
      const after = i + 1 < run.steps.length ? run.steps[i + 1].before : { node: run.node, counters: run.counters };
      const now = Object.assign(keptWorld(after.node), after.counters);
      const changed = Object.keys(now).filter((k) => now[k] !== previous[k])
        .map((k) => (DATA.variables[k] || k) + " " + previous[k] + " → " + now[k]);
      previous = now;
      const where = DATA.screens[screenOf(after.node)].name;
      list.append(el("li", {}, label(s.event) + " → " + where + (changed.length ? " (" + changed.join(", ") + ")" : "")));
    });
  }

  // The path on every diagram: the arrows taken (transition@source), the current screen.
  function pathKeys() {
    const keys = [];
    run.steps.forEach((s) => {
      // The screens entered, in order, give each screen transition its source (system steps included).
      const chain = [screenOf(s.before.node)].concat(s.step.entered.map((i) => G.screens[i]));
      let k = 0;
      s.step.taken.forEach((t) => {
        const id = G.transitions[t];
        if (DATA.transitions[id].region === "account") keys.push([id, s.account]);
        else { keys.push([id, chain[Math.min(k, chain.length - 1)]]); k++; }
      });
    });
    return keys;
  }
  function renderDiagrams() {
    const keys = pathKeys();
    document.querySelectorAll("figure.diagram svg").forEach((svg) => {
      svg.querySelectorAll(".on-path, .here").forEach((n) => n.classList.remove("on-path", "here"));
      keys.forEach(([id, source]) => {
        let found = svg.querySelectorAll('[id="edge:' + CSS.escape(id + "@" + source) + '"]');
        if (!found.length) found = svg.querySelectorAll('[id^="edge:' + CSS.escape(id + "@") + '"]');
        found.forEach((n) => n.classList.add("on-path"));
      });
      svg.querySelectorAll('[id="screen:' + CSS.escape(screenOf(run.node)) + '"]').forEach((n) => n.classList.add("here"));
    });
    const follow = document.getElementById("play-diagram");
    const here = follow && follow.querySelector('svg [id="screen:' + CSS.escape(screenOf(run.node)) + '"]');
    if (here && follow.centerOn) follow.centerOn(here, followScale(follow));
  }
  // The play diagram starts readable (labels at their size) and keeps whatever zoom the reader chooses after.
  let followed = false;
  function followScale(figure) {
    if (followed) return null;
    followed = true;
    figure.querySelector(".viewport").style.height = "480px";
    return 1;
  }
  function render() {
    renderPhone();
    renderWorld();
    renderPath();
    renderDiagrams();
  }

  // -- save the run as a scenario kmsflow simulate replays -----------------------------------------------------
  function yamlValue(v) { return typeof v === "number" ? String(v) : JSON.stringify(String(v)); }
  function yamlMap(map) {
    return "{" + Object.entries(map).map(([k, v]) => k + ": " + yamlValue(v)).join(", ") + "}";
  }
  function scenarioText() {
    const given = Object.assign({}, G.starts[run.start].world);
    const expect = Object.assign({ screen: screenOf(run.node) }, world());
    const lines = ["# Played on the review page of " + DATA.specFile + ". Replay: kmsflow simulate --spec "
      + DATA.specFile + " THIS_FILE", "name: " + JSON.stringify("Played on the review page (" + run.steps.length + " steps)"),
      "given: " + yamlMap(given)];
    if (run.steps.length) {
      lines.push("steps:");
      run.steps.forEach((s) => lines.push("  - " + s.event));
    } else lines.push("steps: []");
    lines.push("expect: " + yamlMap(expect));
    return lines.join("\n") + "\n";
  }
  function download(name, text) {
    const link = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/yaml" })), download: name });
    document.body.append(link);
    link.click();
    link.remove();
  }

  // -- a link to this run: the start and the events in the address, replayed when the page opens --------------
  function runHash() {
    return "#run=" + run.start + "." + run.steps.map((s) => eventIndex[s.event]).join("-");
  }
  function linkToRun() {
    const hash = runHash();
    try { history.replaceState(null, "", hash); } catch (error) { location.hash = hash; }
    say("The address now opens this run: copy it from the address bar to share it.");
    return hash;
  }
  function replayHash() {
    const found = /^#run=(\d+)\.([\d-]*)$/.exec(location.hash);
    if (!found || Number(found[1]) >= G.starts.length) return false;
    startRun(Number(found[1]));
    document.getElementById("start").value = found[1];
    for (const part of found[2] ? found[2].split("-") : []) {
      const event = G.events[Number(part)];
      if (!event || !fire(event).accepted) break;
    }
    return true;
  }

  // -- sign-off export ---------------------------------------------------------------------------------------
  function today() {
    const d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function verdicts() {
    const out = [];
    document.querySelectorAll(".sign").forEach((box) => {
      const chosen = box.querySelector("input:checked");
      if (chosen) out.push({ decision: box.dataset.decision, verdict: chosen.value, fingerprint: box.dataset.fingerprint,
        comment: box.querySelector("textarea").value.trim() });
    });
    return out;
  }
  function signoffText() {
    const by = document.getElementById("signer").value.trim(), date = today();
    const lines = ["# Sign-offs exported from the review page of " + DATA.specFile + ". Record them: kmsflow signoff "
      + "--import THIS_FILE", "spec: " + JSON.stringify(DATA.spec), "signoffs:"];
    verdicts().forEach((v) => {
      lines.push("  " + v.decision + ":", "    verdict: " + v.verdict, "    by: " + JSON.stringify(by),
        "    date: " + JSON.stringify(date), "    comment: " + JSON.stringify(v.comment),
        "    fingerprint: " + JSON.stringify(v.fingerprint));
    });
    return lines.join("\n") + "\n";
  }
  // The reader's marks survive closing the page (this browser only), keyed by each decision's fingerprint, so a
  // mark on a decision that has changed since is not brought back.
  const STORE = "kmsflow-review:" + DATA.spec;
  function saveMarks() {
    const marks = { by: document.getElementById("signer").value, verdicts: {} };
    verdicts().forEach((v) => { marks.verdicts[v.fingerprint] = { verdict: v.verdict, comment: v.comment }; });
    try { localStorage.setItem(STORE, JSON.stringify(marks)); } catch (error) { /* storage off: marks live here */ }
  }
  function restoreMarks() {
    let marks = null;
    try { marks = JSON.parse(localStorage.getItem(STORE) || "null"); } catch (error) { marks = null; }
    if (!marks) return;
    document.getElementById("signer").value = marks.by || "";
    document.querySelectorAll(".sign").forEach((box) => {
      const mark = (marks.verdicts || {})[box.dataset.fingerprint];
      if (!mark) return;
      const input = box.querySelector('input[value="' + mark.verdict + '"]');
      if (input) input.checked = true;
      box.querySelector("textarea").value = mark.comment || "";
    });
  }
  function updateExport() {
    saveMarks();
    const ready = document.getElementById("signer").value.trim() && verdicts().length;
    document.getElementById("export").disabled = !ready;
    document.getElementById("export-note").textContent = ready ? verdicts().length + " decision(s) marked" : "";
  }

  // -- zoom and pan ------------------------------------------------------------------------------------------
  function zoomable(figure) {
    const viewport = figure.querySelector(".viewport"), canvas = figure.querySelector(".canvas");
    const svg = canvas.querySelector("svg");
    const box = svg.viewBox.baseVal;
    const width = box && box.width ? box.width : svg.getBBox().width, height = box && box.height ? box.height : 400;
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    const view = { scale: 1, x: 0, y: 0 };
    const apply = () => {
      canvas.style.transform = "translate(" + view.x + "px," + view.y + "px) scale(" + view.scale + ")";
      figure.dataset.scale = view.scale.toFixed(3);
    };
    // Fit: the whole drawing in the page's width and most of the window's height, never above its own size.
    const fit = () => {
      const room = viewport.clientWidth || 1200, tall = Math.max(320, window.innerHeight * 0.85);
      view.scale = Math.min(1, room / width, tall / height);
      viewport.style.height = Math.max(height * view.scale + 8, 160) + "px";
      view.x = Math.max(0, (room - width * view.scale) / 2);
      view.y = 0;
      apply();
    };
    const zoom = (factor, cx, cy) => {
      const next = Math.min(8, Math.max(0.1, view.scale * factor));
      if (cx === undefined) { cx = viewport.clientWidth / 2; cy = viewport.clientHeight / 2; }
      view.x = cx - (cx - view.x) * (next / view.scale);
      view.y = cy - (cy - view.y) * (next / view.scale);
      view.scale = next;
      apply();
    };
    const full = () => {
      viewport.style.height = Math.min(height + 8, window.innerHeight * 0.85) + "px";
      view.scale = 1; view.x = 0; view.y = 0;
      apply();
    };
    viewport.addEventListener("wheel", (event) => {
      event.preventDefault();
      const rect = viewport.getBoundingClientRect();
      zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - rect.left, event.clientY - rect.top);
    }, { passive: false });
    let drag = null;
    viewport.addEventListener("pointerdown", (event) => {
      drag = { x: event.clientX - view.x, y: event.clientY - view.y };
      viewport.classList.add("dragging");
      viewport.setPointerCapture(event.pointerId);
    });
    viewport.addEventListener("pointermove", (event) => {
      if (!drag) return;
      view.x = event.clientX - drag.x;
      view.y = event.clientY - drag.y;
      apply();
    });
    const stop = () => { drag = null; viewport.classList.remove("dragging"); };
    viewport.addEventListener("pointerup", stop);
    viewport.addEventListener("pointercancel", stop);
    viewport.addEventListener("keydown", (event) => {
      const moves = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] };
      if (event.key === "+" || event.key === "=") zoom(1.25);
      else if (event.key === "-" || event.key === "_") zoom(0.8);
      else if (event.key === "0") fit();
      else if (event.key === "1") full();
      else if (moves[event.key]) { view.x += moves[event.key][0]; view.y += moves[event.key][1]; apply(); }
      else return;
      event.preventDefault();
    });
    // Bring an element of the drawing to the middle of the viewport (the play diagram follows the phone).
    figure.centerOn = (element, scale) => {
      if (scale) view.scale = scale;
      const box = element.getBoundingClientRect(), origin = canvas.getBoundingClientRect();
      const current = origin.width / width || view.scale;
      const x = (box.left + box.width / 2 - origin.left) / current, y = (box.top + box.height / 2 - origin.top) / current;
      view.x = viewport.clientWidth / 2 - x * view.scale;
      view.y = viewport.clientHeight / 2 - y * view.scale;
      apply();
    };
    figure.querySelectorAll("[data-zoom]").forEach((button) => button.addEventListener("click", () => {
      const what = button.dataset.zoom;
      if (what === "in") zoom(1.25);
      else if (what === "out") zoom(0.8);
      else if (what === "fit") fit();
      else full();
    }));
    fit();
  }

  // -- start ------------------------------------------------------------------------------------------------
  function init() {
    document.querySelectorAll("figure.diagram").forEach(zoomable);
    restoreMarks();
    document.getElementById("signer").addEventListener("input", updateExport);
    document.querySelectorAll(".sign input, .sign textarea").forEach((n) => n.addEventListener("input", updateExport));
    document.getElementById("export").addEventListener("click", () =>
      download(DATA.spec + ".signoff-export.yaml", signoffText()));
    updateExport();
    if (DATA.graph) {
      const select = document.getElementById("start");
      G.starts.forEach((s, i) => select.append(el("option", { value: String(i) }, worldWords(s.world))));
      select.value = String(DATA.defaultStart);
      select.addEventListener("change", () => { startRun(Number(select.value)); say(""); render(); });
      document.getElementById("undo").addEventListener("click", () => { undo(); say(""); render(); });
      document.getElementById("reset").addEventListener("click", () => { startRun(run.start); say(""); render(); });
      document.getElementById("save").addEventListener("click", () =>
        download(DATA.spec + ".played.yaml", scenarioText()));
      const daysPass = document.getElementById("days-pass");
      if (daysPass) daysPass.addEventListener("click", () => {
        const days = Math.max(1, Math.min(60, Number(document.getElementById("days").value) || 1));
        for (let i = 0; i < days; i++) if (!fire(daysPass.dataset.event).accepted) break;
        say(""); render();
      });
      document.getElementById("link").addEventListener("click", linkToRun);
      if (!replayHash()) startRun(DATA.defaultStart);
      render();
    }
    window.kmsflowReview.readyAt = performance.now();  // ms since navigation began: the bench's time to interactive
    window.kmsflowReview.ready = true;
  }

  window.kmsflowReview = {
    ready: false,
    fire: (event) => { const r = fire(event); render(); return Object.assign(r, state()); },
    // Many events in one call, the state after each (the equivalence test): no drawing between them.
    run: (start, events) => {
      startRun(start);
      const out = events.map((event) => Object.assign(fire(event), state()));
      render();
      return out;
    },
    start: (index) => { startRun(index); render(); return state(); },
    starts: () => G.starts.map((s) => s.world),
    undo: () => { const r = undo(); render(); return r; },
    state: state,
    scenario: scenarioText,
    link: linkToRun,
  };
  init();
})();
