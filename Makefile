# kmsflow: the two front-door commands are `make demo` and `make test`.
# Both set everything up on a fresh Debian machine: a virtualenv in .venv with
# the package and its test extras, and Graphviz's `dot` (through apt-get when
# we are root; otherwise they stop and print the one command to run). `make test`
# also installs Mermaid's parser (tools/mermaid, needs Node.js >= 20.19 with npm).

PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
KMSFLOW = $(VENV)/bin/kmsflow
SPEC   ?= spec/kms9_subscription.yaml
# Flows from other domains: each drawn into a folder of diagrams/ named after its spec, and reviewed beside
# its spec, like the KMS one.
FLOWS  ?= spec/door_keypad.yaml

.PHONY: help setup test demo check review play diagrams bench clean

help:
	@echo "make demo      set up, check the KMS spec, play every scenario in spec/scenarios/, walk every configuration"
	@echo "make test      set up and run the test suite (Graphviz, Mermaid's parser and Chromium installed when missing)"
	@echo "make check     check the KMS spec and list article steps with their transitions"
	@echo "make review    regenerate spec/kms9_subscription.review.html and .md, the review for product owners"
	@echo "make play      play the KMS flow interactively (kmsflow play; type help in the session)"
	@echo "make diagrams  regenerate diagrams/ from the KMS spec (every view: .dot .svg .png .mmd)"
	@echo "make bench     time rendering, and the exhaustive walk (KMS spec, synthetic 100 to 10,000 screens), the review page, side by side with @xstate/graph"
	@echo "make clean     remove the virtualenv and caches"

# The virtualenv is rebuilt when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "python3-venv is missing: installing it with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null && \
	    $(PYTHON) -m venv $(VENV); \
	  else echo "Python's venv module is missing. Run: sudo apt-get install python3-venv" >&2; exit 1; fi; }
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

.PHONY: graphviz
graphviz:
	@command -v dot >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Graphviz (dot) is missing: installing it with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else echo "Graphviz's dot is missing. Run: sudo apt-get install graphviz" >&2; exit 1; fi; }

# Mermaid's own parser (Node + jsdom) checks the generated .mmd files in the tests.
.PHONY: mermaid
mermaid:
	@bash tools/mermaid/install.sh

# Debian's Chromium (and its driver) for the tests that open pages and diagrams in a real browser.
# Playwright drives it; it never downloads a browser of its own.
.PHONY: browser
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Chromium is missing: installing Debian's chromium with apt-get"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "Chromium is missing. Run: sudo apt-get install chromium chromium-driver" >&2; exit 1; fi; }

setup: $(VENV)/.installed graphviz

# Two test processes (pytest-xdist), one per core: the suite is CPU-bound Python plus dot, node and Chromium.
test: setup mermaid browser
	$(PY) -m pytest -q -n 2

demo: setup
	$(KMSFLOW) check $(SPEC)
	$(KMSFLOW) simulate spec/scenarios
	$(KMSFLOW) explore $(SPEC)

check: setup
	$(KMSFLOW) check --trace $(SPEC)

# The review for product owners, generated beside the spec from one content: the offline HTML page (read, play,
# sign off) and the Markdown document for the code host (a test keeps both fresh).
review: setup
	$(KMSFLOW) review $(SPEC) --diagrams diagrams -o spec/kms9_subscription.review.md -o spec/kms9_subscription.review.html
	@# The other flows, each beside its spec, linking its own folder of diagrams.
	for spec in $(FLOWS); do name=$$(basename $$spec .yaml); \
	  $(KMSFLOW) review $$spec --diagrams diagrams/$$name -o spec/$$name.review.md -o spec/$$name.review.html || exit 1; done
play: setup
	$(KMSFLOW) play $(SPEC)
# The committed diagrams/ must equal what the spec produces (tests/test_diagram_cli.py checks .dot/.mmd).
# Drawn into a fresh folder first: a view removed from the spec leaves no stale files,
# and a spec that fails to draw leaves diagrams/ as it was.
diagrams: setup
	rm -rf .diagrams.new
	$(KMSFLOW) diagram $(SPEC) -o .diagrams.new
	rm -f diagrams/*.dot diagrams/*.svg diagrams/*.png diagrams/*.mmd
	mv .diagrams.new/* diagrams/ && rmdir .diagrams.new
	for spec in $(FLOWS); do name=$$(basename $$spec .yaml); rm -rf .diagrams.new; \
	  $(KMSFLOW) diagram $$spec -o .diagrams.new && rm -rf diagrams/$$name && mv .diagrams.new diagrams/$$name || exit 1; done

bench: setup browser
	$(PY) bench/bench_render.py
	$(PY) bench/bench_layout.py
	$(PY) bench/bench_explore.py
	$(PY) bench/bench_expressions.py
	$(PY) bench/bench_review_page.py
	$(PY) bench/bench_mutate.py
	@# The peer of issue 11 (xstate + @xstate/graph), pinned by bench/xstate/package-lock.json; not needed by make test.
	cd bench/xstate && npm ci --no-audit --no-fund --loglevel=error
	$(PY) bench/bench_xstate.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
