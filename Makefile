# Everything installs from scratch into .venv: `make demo` runs the main job, `make test` the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: install demo test bench coverage-doc clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/asana-adaptor run examples/grievances/workflow.yaml --sandbox

test: $(STAMP)
	@# pytest exits 5 when it collects no test: that is a failure here too.
	$(BIN)/python -m pytest -q -p no:cacheprovider; code=$$?; \
	if [ $$code -eq 5 ]; then echo 'make test: pytest ran no test' >&2; fi; exit $$code

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do $(BIN)/python $$f || exit 1; done

coverage-doc: $(STAMP)
	$(BIN)/python scripts/sandbox_coverage.py

clean:
	rm -rf $(VENV) build dist .pytest_cache
