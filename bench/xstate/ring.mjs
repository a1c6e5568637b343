// The peer side of `make bench` (bench/bench_xstate.py): the ring workload built as an xstate v5 machine
// and walked with @xstate/graph, in one Node process.
//
//   node ring.mjs CHORDS.json count   -> {"configurations": N, "edges": M}  (checked against kmsflow before timing)
//   node ring.mjs CHORDS.json shortest -> getShortestPaths (one shortest path per configuration): the peer timed
//   node ring.mjs CHORDS.json paths   -> that and the test model's shortest test paths; the timing of each
//
// CHORDS.json is what simulator.spec.synthetic.ring_chords writes for kmsflow's own spec, so both sides build
// the same machine: screens s0..s{N-1}, `next` round the ring, two chords per screen guarded by nothing, by the
// flag or by its negation, and `toggle`, which flips the flag on every screen. The walk starts from flag off.
import { readFileSync } from "node:fs";
import { assign, createMachine } from "xstate";
import { createTestModel, getAdjacencyMap, getShortestPaths } from "@xstate/graph";

const [file, mode] = process.argv.slice(2);
const chords = JSON.parse(readFileSync(file, "utf8"));
const n = chords.length;
const guards = { "": undefined, flag: ({ context }) => context.flag, "not flag": ({ context }) => !context.flag };
const states = {};
for (let i = 0; i < n; i++) {
  const on = { next: { target: `s${(i + 1) % n}` }, toggle: { actions: "flip" } };
  for (const [event, target, guard] of chords[i]) {
    on[event] = guards[guard] ? { target: `s${target}`, guard: guards[guard] } : { target: `s${target}` };
  }
  states[`s${i}`] = { on };
}
const machine = createMachine({
  id: "ring",
  initial: "s0",
  context: { flag: false },
  states,
}, { actions: { flip: assign({ flag: ({ context }) => !context.flag }) } });
const events = ["next", "a", "b", "c", "d", "toggle"].map((type) => ({ type }));
const key = (snapshot) => JSON.stringify([snapshot.value, snapshot.context.flag]);

if (mode === "count") {
  // An edge is an event the configuration accepts: one that leads to another configuration (no event of the
  // ring leads back to where it was taken), as kmsflow counts its edges.
  const map = getAdjacencyMap(machine, { events, serializeState: key });
  let edges = 0;
  for (const [id, entry] of Object.entries(map)) {
    for (const transition of Object.values(entry.transitions)) edges += key(transition.state) !== id ? 1 : 0;
  }
  console.log(JSON.stringify({ configurations: Object.keys(map).length, edges }));
} else {
  let started = performance.now();
  const paths = getShortestPaths(machine, { events, serializeState: key });
  const shortest = (performance.now() - started) / 1000;
  started = performance.now();
  const testPaths = mode === "paths" ? createTestModel(machine, { events, serializeState: key }).getShortestPaths() : [];
  const test = (performance.now() - started) / 1000;
  const steps = paths.reduce((sum, path) => sum + path.steps.length, 0);
  console.log(JSON.stringify({ paths: paths.length, steps, test_paths: testPaths.length, shortest_s: shortest,
    test_model_s: test }));
}
