"""Mermaid diagrams as Chromium draws them, measured: the input of :func:`simulator.draw.layout_check.check_layout`.

Mermaid lays a diagram out only in a browser (its text sizes come from the page's fonts), so
the measure is taken there: :func:`measure_page` writes one local page that loads Mermaid's
own script from disk, renders every ``.mmd`` given, and reads back from the SVG where each
node, arrow, label and title went (``getBoundingClientRect``, the arrows sampled with
``getPointAtLength``); the result is JSON in ``<pre id="layout-result">``. All diagrams are
rendered in the one page, so one browser start measures them all.

Two ways to open the page: the tests drive Debian's Chromium with Playwright (their shared
``chromium`` fixture); :func:`measure_in_chromium` runs ``chromium --headless --dump-dom``,
which needs nothing but the browser (the CLI's ``--check-layout``).
"""
from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Loc, Problem, UsageError
from .layout_check import Arrow, Box, Layout, TextBox

__all__ = ["measure_page", "read_measures", "measure_in_chromium", "find_mermaid_js", "mermaid_layouts",
           "expected_labels", "RESULT_ID"]

RESULT_ID = "layout-result"

# Runs in the page: render each diagram, then read its geometry in the SVG's own units (the SVG is shown
# at its natural size, so a CSS pixel is a unit). Arrows whose label Mermaid left empty report ''.
_MEASURE_JS = r"""
async function measureAll(sources) {
  mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
  const results = [];
  for (let i = 0; i < sources.length; i++) {
    const [name, text] = sources[i];
    const holder = document.createElement('div');
    document.body.appendChild(holder);
    try {
      const {svg} = await mermaid.render('kmsflow' + i, text);
      holder.innerHTML = svg;
      results.push(measure(name, holder.querySelector('svg')));
    } catch (e) {
      results.push({name: name, error: String(e && e.message || e)});
    }
  }
  return results;
}

function measure(name, svg) {
  const vb = svg.viewBox.baseVal;
  svg.style.maxWidth = 'none';
  svg.setAttribute('width', vb.width);
  svg.setAttribute('height', vb.height);
  const origin = svg.getBoundingClientRect();
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top];
  };
  const fontPx = (el) => parseFloat(getComputedStyle(el).fontSize) || 0;
  const texts = [], nodes = [], arrows = [];
  const textOf = (el) => (el.textContent || '').replace(/\s+/g, ' ').trim();
  const pushTexts = (owner, scope) => {
    // Lines of HTML labels (p, span) and of SVG text (tspan rows, text).
    const parts = scope.querySelectorAll('foreignObject p, foreignObject span.nodeLabel, text');
    for (const el of parts) {
      if (el.tagName.toLowerCase() === 'span' && el.querySelector('p')) continue;
      if (el.tagName.toLowerCase() === 'text' && el.closest('foreignObject')) continue;
      const t = textOf(el);
      if (!t) continue;
      // The glyphs' own line boxes, not the element's (an HTML label is a 200 px wide block, mostly blank).
      const range = document.createRange();
      range.selectNodeContents(el);
      for (const r of range.getClientRects()) {
        const b = [r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top];
        if (b[2] > b[0] && b[3] > b[1]) texts.push({owner, text: t, box: b, height: fontPx(el)});
      }
    }
  };
  for (const g of svg.querySelectorAll('g.node')) {
    const owner = 'node:' + (g.getAttribute('data-id') || g.id);
    const shape = g.querySelector(':scope > rect, :scope > g > rect, :scope > path, :scope > circle, ' +
                                  ':scope > g > path, :scope > polygon');
    nodes.push({owner, box: box(shape || g)});
    pushTexts(owner, g);
  }
  for (const g of svg.querySelectorAll('g.cluster-label')) {
    const cluster = g.closest('g.cluster, g.statediagram-cluster');
    pushTexts('cluster:' + (cluster && (cluster.getAttribute('data-id') || cluster.id) || 'cluster'), g);
  }
  for (const t of svg.querySelectorAll(':scope > text')) {
    const s = textOf(t);
    if (s) texts.push({owner: 'title', text: s, box: box(t), height: fontPx(t)});
  }
  const labels = {};
  for (const g of svg.querySelectorAll('g.edgeLabel g.label[data-id]')) labels[g.getAttribute('data-id')] = g;
  for (const path of svg.querySelectorAll('path[data-edge="true"]')) {
    const id = path.getAttribute('data-id') || path.id;
    const len = path.getTotalLength();
    const m = path.getScreenCTM();
    const pts = [];
    const n = Math.max(2, Math.ceil(len / 6));
    for (let k = 0; k <= n; k++) {
      const p = path.getPointAtLength(len * k / n);
      const q = new DOMPoint(p.x, p.y).matrixTransform(m);
      pts.push([q.x - origin.left, q.y - origin.top]);
    }
    const g = labels[id];
    let label = null, text = '';
    if (g) {
      text = textOf(g);
      if (text) {
        const owner = 'edge:' + id;
        const before = texts.length;
        pushTexts(owner, g);
        const own = texts.slice(before).map(t => t.box);
        if (own.length) label = [Math.min(...own.map(b => b[0])), Math.min(...own.map(b => b[1])),
                                 Math.max(...own.map(b => b[2])), Math.max(...own.map(b => b[3]))];
      }
    }
    arrows.push({id, points: pts, label, text, note: path.classList.contains('note-edge')});
  }
  return {name, width: vb.width, height: vb.height, texts, nodes, arrows};
}
"""


def find_mermaid_js(start: Path | None = None) -> Path:
    """Mermaid's browser script from ``tools/mermaid`` (`make mermaid` installs it), looked for upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in [here, *here.parents, Path(__file__).resolve().parents[2]]:
        candidate = folder / "tools" / "mermaid" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
        if candidate.is_file():
            return candidate
    raise UsageError(Problem(Loc("--check-layout"), "error", "Mermaid's script is missing "
                             "(tools/mermaid/node_modules/mermaid): run `make mermaid`", "mermaid-missing"))


def measure_page(sources: list[tuple[str, str]], mermaid_js: Path) -> str:
    """A page that renders every (name, Mermaid text) and writes their geometry as JSON when done."""
    data = json.dumps(sources).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>kmsflow layout check</title></head>
<body style="margin:0">
<script src="{html.escape(mermaid_js.resolve().as_uri())}"></script>
<script>{_MEASURE_JS}
measureAll({data}).then(r => {{
  const pre = document.createElement('pre'); pre.id = '{RESULT_ID}';
  pre.textContent = JSON.stringify(r); document.body.appendChild(pre); pre.dataset.done = '1';
}}, e => {{
  const pre = document.createElement('pre'); pre.id = '{RESULT_ID}';
  pre.textContent = JSON.stringify({{error: String(e)}}); document.body.appendChild(pre); pre.dataset.done = '1';
}});
</script></body></html>
"""


def expected_labels(mmd: str) -> int:
    """How many arrows of a Mermaid text carry a label (``a --> b : label``)."""
    return sum(1 for line in mmd.splitlines() if re.match(r"^\s*\S+ --> \S+ : ", line))


def read_measures(result_json: str, sources: list[tuple[str, str]]) -> list[Layout]:
    """The layouts measured by the page, one per source; a diagram Mermaid failed to draw raises UsageError."""
    raw = json.loads(result_json)
    if isinstance(raw, dict):
        raise UsageError(Problem(Loc("--check-layout"), "error", f"Mermaid failed in Chromium: {raw['error']}",
                                 "mermaid-failed"))
    layouts = []
    for item, (name, text) in zip(raw, sources):
        if "error" in item:
            raise UsageError(Problem(Loc(name), "error", f"Mermaid could not draw it: {item['error']}",
                                     "mermaid-failed"))
        layout = Layout(name, "mermaid", float(item["width"]), float(item["height"]))
        layout.texts = [TextBox(t["owner"], t["text"], Box(*t["box"]), float(t["height"])) for t in item["texts"]]
        layout.nodes = {n["owner"]: Box(*n["box"]) for n in item["nodes"]}
        labelled = 0
        for a in item["arrows"]:
            if a["note"]:
                continue
            labelled += bool(a["text"])
            label = Box(*a["label"]) if a["label"] else None
            layout.arrows.append(Arrow(a["id"], tuple(map(tuple, a["points"])), label, a["text"]))
        want = expected_labels(text)
        if labelled < want:
            layout.missing_labels.append(f"{want - labelled} of {want} labelled arrows")
        layouts.append(layout)
    return layouts


def _chromium() -> str:
    found = os.environ.get("KMSFLOW_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise UsageError(Problem(Loc("--check-layout"), "error", "the Mermaid layout check needs Chromium: "
                                 "run `make browser` (Debian's chromium package)", "chromium-missing"))
    return found


def measure_in_chromium(page: str, timeout: float = 120) -> str:
    """Open ``page`` in headless Chromium and return the JSON it wrote (no driver: ``--dump-dom``)."""
    with tempfile.TemporaryDirectory(prefix="kmsflow-layout-") as folder:
        path = Path(folder) / "measure.html"
        path.write_text(page, encoding="utf-8")
        argv = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={folder}/profile", "--virtual-time-budget=60000", "--window-size=1280,900",
                "--dump-dom", path.as_uri()]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=timeout)
        except OSError as exc:  # KMSFLOW_CHROMIUM naming no program, or one that cannot run
            raise UsageError(Problem(Loc("--check-layout"), "error", f"cannot start Chromium ({argv[0]}): "
                                     f"{exc.strerror or exc}; run `make browser`", "chromium-missing")) from None
        except subprocess.TimeoutExpired:
            raise UsageError(Problem(Loc("--check-layout"), "error", f"Chromium did not finish in {timeout:.0f} s",
                                     "chromium-failed")) from None
    dom = done.stdout.decode("utf-8", "replace")
    found = re.search(rf'<pre id="{RESULT_ID}"[^>]*>(.*?)</pre>', dom, re.S)
    if not found:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(Problem(Loc("--check-layout"), "error", "Chromium wrote no layout: "
                                 f"{said[-1] if said else f'exit status {done.returncode}'}", "chromium-failed"))
    return html.unescape(found.group(1))


def mermaid_layouts(sources: list[tuple[str, str]], mermaid_js: Path | None = None) -> list[Layout]:
    """Every (name, Mermaid text) drawn by Chromium and measured (one browser start for all)."""
    page = measure_page(sources, mermaid_js or find_mermaid_js())
    return read_measures(measure_in_chromium(page), sources)
