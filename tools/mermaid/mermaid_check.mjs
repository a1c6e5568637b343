#!/usr/bin/env node
// Validate Mermaid state diagrams with Mermaid's own code, in plain Node (no browser).
//
//   node mermaid_check.mjs [--strict] [--render] [--json] [--any-type] FILE...   ('-' = stdin)
//
//   (default)   mermaid.parse(): frontmatter, directives, the real jison grammar and the
//               state DB; the file must be a state diagram (stateDiagram / stateDiagram-v2)
//               and at most 50000 chars (Mermaid's maxTextSize; render() would replace a
//               longer text by an error box).
//   --render    also run mermaid.render() in jsdom (text sizes are estimated, jsdom has no
//               layout engine). Catches renderer crashes on texts that parse fine
//               (empty composite state, ids like "constructor"/"__proto__", dangling notes).
//   --strict    also reject texts that parse fine but silently mean something else than
//               written (see STRICT RULES below), e.g. a stray "}" or ";" that becomes a
//               state, a label containing "direction LR" that swallows the whole line.
//   --json      one JSON object per file instead of text: {path, ok, error?, diagramType,
//               nodes:[{id,label,descriptions?,parentId?,isGroup,shape,classes}],
//               edges:[{start,end,label}]} - what the renderer gets, so a test can compare
//               it with the state machine the diagram was generated from. Labels are
//               decoded as displayed (#35; #quot; &lt; ...); markup like <br> stays as is.
//   --any-type  accept any diagram type Mermaid knows (strict rules then only apply to
//               state diagrams).
//
// Output per file: "OK path" or "ERROR path: message" (message may go on over lines
// indented by 4 spaces). Exit: 0 all OK, 1 any failure, 2 usage error.
//
// After a failed render the remaining files are checked in a fresh process: a failed
// render can leave Mermaid's global state broken (seen with a state id "__proto__").
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const USAGE = 'usage: node mermaid_check.mjs [--strict] [--render] [--json] [--any-type] FILE... (- = stdin)';
const FLAGS = ['--strict', '--render', '--json', '--any-type'];
const args = process.argv.slice(2);
const opts = {};
const files = [];
let endOfOpts = false;
for (const a of args) {
  if (!endOfOpts && a === '--') endOfOpts = true;
  else if (!endOfOpts && FLAGS.includes(a)) opts[a.slice(2)] = true;
  else if (!endOfOpts && (a === '-h' || a === '--help')) { console.log(USAGE); process.exit(0); }
  else if (!endOfOpts && a.startsWith('--')) { console.error(`unknown option ${a}\n${USAGE}`); process.exit(2); }
  else files.push(a);
}
if (files.length === 0) { console.error(USAGE); process.exit(2); }

// Mermaid sanitizes labels with DOMPurify while parsing, which needs a DOM window:
// provide one with jsdom *before* mermaid (and so DOMPurify) is loaded.
const { JSDOM } = await import('jsdom');
const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
const win = dom.window;
globalThis.window = win;
globalThis.document = win.document;
if (opts.render) {
  for (const k of ['Element', 'HTMLElement', 'SVGElement', 'Node', 'DOMParser', 'XMLSerializer',
    'MutationObserver', 'getComputedStyle', 'CSSStyleSheet']) {
    if (!(k in globalThis)) globalThis[k] = win[k];
  }
  // jsdom does no layout: estimate text boxes (8px per char, 16px per line).
  const box = (el) => {
    const lines = (el.textContent || '').split('\n');
    const w = Math.max(1, ...lines.map((l) => l.length)) * 8;
    return { x: 0, y: 0, width: w, height: 16 * lines.length };
  };
  win.SVGElement.prototype.getBBox = function () { return box(this); };
  win.SVGElement.prototype.getComputedTextLength = function () { return box(this).width; };
  win.Element.prototype.getBoundingClientRect = function () {
    const b = box(this);
    return { ...b, top: 0, left: 0, right: b.width, bottom: b.height };
  };
}
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, logLevel: 'fatal', securityLevel: 'strict' });

const MAX_TEXT = 50000;

// Label text as displayed: undo Mermaid's private markers for "#name;" / "#123;" the
// way its renderer does (then HTML entities, incl. the &lt; its sanitizer made).
const decoder = win.document.createElement('textarea');
function decodeLabel(s) {
  if (typeof s !== 'string') return s;
  decoder.innerHTML = s.replace(/ﬂ°°/g, '&#').replace(/ﬂ°/g, '&').replace(/¶ß/g, ';');
  return decoder.value;
}

// ---------------------------------------------------------------- STRICT RULES
const PROTO_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
const PSEUDO_SHAPES = new Set(['stateStart', 'stateEnd', 'note', 'noteGroup', 'divider']);
function strictProblems(text, data) {
  const p = [];
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    // lexer rule /.*direction\s+(TB|BT|LR|RL)[^\n]*/i eats the whole line
    if (/direction\s+(TB|BT|LR|RL)/i.test(line) && !/^\s*direction\s+(TB|BT|LR|RL)\s*$/i.test(line)) {
      p.push(`${where}: contains "direction TB|BT|LR|RL" so Mermaid reads the whole line as a direction statement (write the d as #100;)`);
    }
    if (/\S.*%%\{/.test(line)) p.push(`${where}: "%%{" inside a line is removed as a directive (write % as #37;)`);
    if (/^\s*state\s+"[^"]*"\s+as\s*$/i.test(line)) p.push(`${where}: 'state "..." as' without an id: the next line becomes the id`);
    if (/^\s*state\s+"[^"]*"\s+as\s+\S+:::/i.test(line)) p.push(`${where}: ':::class' on a 'state "..." as id' line is not a style (renders an empty extra box); use 'class id name'`);
  });
  const groups = data.nodes.filter((n) => n.isGroup && n.shape !== 'noteGroup').map((n) => n.id);
  for (const g of ['root', ...groups]) {
    for (const suf of ['_start', '_end']) {
      const re = new RegExp(`(^|[\\s:>])${g.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${suf}(?=$|[\\s:;])`, 'm');
      if (re.test(text)) p.push(`state id "${g}${suf}" collides with the [*] pseudo-state Mermaid makes for ${g === 'root' ? 'the diagram' : `composite "${g}"`}`);
    }
  }
  for (const n of data.nodes) {
    if (PSEUDO_SHAPES.has(n.shape)) continue;
    if (!n.shape) p.push(`state "${n.id}" only appears as a note target (renderer crashes: no such shape)`);
    if (PROTO_NAMES.has(n.id)) p.push(`state id "${n.id}" is an Object.prototype name (renderer crashes)`);
    else if (!/^[\p{L}\p{N}_]+$/u.test(n.id)) p.push(`suspicious state id ${JSON.stringify(n.id)} (stray token? safe ids are letters, digits, _)`);
    if (n.isGroup && !data.nodes.some((c) => c.parentId === n.id)) p.push(`composite state "${n.id}" is empty (renderer crashes)`);
  }
  const isAncestor = (anc, id) => {
    for (let n = byId.get(id); n?.parentId; n = byId.get(n.parentId)) if (n.parentId === anc) return true;
    return false;
  };
  for (const e of data.edges) {
    const s = byId.get(e.start), t = byId.get(e.end);
    if (s?.isGroup && isAncestor(e.start, e.end)) p.push(`transition from composite "${e.start}" to its own descendant "${e.end}" renders wrong (edge not drawn)`);
    if (t?.isGroup && isAncestor(e.end, e.start)) p.push(`transition from "${e.start}" to its own enclosing composite "${e.end}" renders wrong (edge not drawn)`);
    if (t?.shape === 'stateStart') p.push(`transition into start pseudo-state "${e.end}"`);
    if (s?.shape === 'stateEnd') p.push(`transition out of end pseudo-state "${e.start}"`);
    if (s?.shape === 'stateStart' && t && t.parentId !== s.parentId) p.push(`"${e.start}" --> "${e.end}" leaves the composite of the start pseudo-state (id collision?)`);
  }
  return [...new Set(p)];
}

// -------------------------------------------------------------------- checking
let renderCount = 0;
async function check(path, text) {
  const res = { path, ok: false };
  try {
    if (text.length > MAX_TEXT) throw new Error(`text is ${text.length} chars, over Mermaid's maxTextSize ${MAX_TEXT}`);
    const parsed = await mermaid.parse(text); // public API: frontmatter, directives, grammar, DB
    res.diagramType = parsed.diagramType;
    const isState = parsed.diagramType === 'stateDiagram';
    if (!opts['any-type'] && !isState) throw new Error(`not a state diagram (detected type "${parsed.diagramType}")`);
    if (isState && (opts.json || opts.strict)) {
      const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
      const data = diagram.db.getData();
      if (opts.json) {
        res.nodes = data.nodes.map((n) => ({
          id: n.id, label: decodeLabel(n.label),
          ...(n.description ? { descriptions: n.description.map(decodeLabel) } : {}),
          ...(n.parentId ? { parentId: n.parentId } : {}), isGroup: !!n.isGroup, shape: n.shape,
          classes: (n.cssClasses || '').trim().split(/\s+/).filter((c) => c && !c.startsWith('statediagram')),
          ...(n.position ? { position: n.position } : {}),
        }));
        res.edges = data.edges.map((e) => ({ start: e.start, end: e.end, label: decodeLabel(e.label ?? '') }));
      }
      if (opts.strict) {
        const problems = strictProblems(text, data);
        if (problems.length) throw new Error(`strict: ${problems.join('\n')}`);
      }
    }
    if (opts.render) {
      const id = `mmdcheck${renderCount++}`;
      try {
        await mermaid.render(id, text);
      } catch (e) {
        res.renderFailed = true;
        throw new Error(`render failed: ${(e && e.message) || e}`);
      } finally {
        win.document.getElementById(id)?.remove();
        win.document.getElementById(`d${id}`)?.remove();
      }
    }
    res.ok = true;
  } catch (e) {
    res.error = String((e && e.message) || e).trim();
  }
  return res;
}

function report(r) {
  if (opts.json) console.log(JSON.stringify(r));
  else if (r.ok) console.log(`OK ${r.path}`);
  else console.log(`ERROR ${r.path}: ${r.error.split('\n').join('\n    ')}`);
}

let stdinText;
for (let i = 0; i < files.length; i++) {
  const f = files[i];
  let text;
  try {
    text = f === '-' ? (stdinText ??= readFileSync(0, 'utf8')) : readFileSync(f, 'utf8');
  } catch (e) {
    report({ path: f, ok: false, error: `cannot read: ${e.message}` });
    process.exitCode = 1;
    continue;
  }
  const { renderFailed, ...r } = await check(f, text);
  report(r);
  if (!r.ok) {
    const rest = files.slice(i + 1);
    if (renderFailed && rest.length && !rest.includes('-')) { // fresh process for the rest (see header)
      const flags = FLAGS.filter((fl) => opts[fl.slice(2)]);
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...flags, '--', ...rest],
        { stdio: 'inherit' });
      process.exit(child.status === 0 ? 1 : (child.status ?? 1));
    }
    process.exitCode = 1;
  }
}
process.exit(process.exitCode ?? 0);
