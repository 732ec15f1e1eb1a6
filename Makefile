# Every target builds (or reuses) its own virtual environment: nothing relies on packages
# installed by hand. `make check` is what CI runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: check lint typecheck test docs venv clean matrix demo soak

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# The main job: the bundled sample PDF to XLSX through the in-process emulator. Its own venv holds
# only what a user installs (`pdfco-client[emulator]`), not the dev tools.
DEMO_VENV ?= .venv-demo
$(DEMO_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DEMO_VENV)/bin/python -m pip install --quiet -e '.[emulator]'
	touch $@

demo: $(DEMO_VENV)/.installed
	$(DEMO_VENV)/bin/python -m pdfco_client.emulator.demo --output quarterly-report.xlsx

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/pytest -q

# The documentation site (site/): offline, and --strict turns every warning into an error.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

check: lint typecheck test docs

# Hundreds of conversions under a seeded fault plan; checks the client's invariants (bounded).
soak: $(STAMP)
	$(BIN)/python -m benchmarks.soak --conversions 300 --workers 8 --seed 7

# The suite on the oldest and newest supported Pythons (pyenv), each in its own venv.
matrix:
	for v in 3.9 3.13; do \
	  $(MAKE) test PYTHON="$$(pyenv root)/versions/$$(pyenv versions --bare | grep "^$$v" | tail -1)/bin/python" VENV=.venv-$$v || exit 1; \
	done

# Speed and memory benchmarks (not part of `make check`): see benchmarks/README.md.
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m benchmarks

# The oldest supported Python with the lowest versions of the core's dependencies.
LOWEST := requests==2.31.0 'urllib3<2' pydantic==2.5.3 tenacity==8.3.0
.PHONY: lowest
lowest:
	$(MAKE) venv PYTHON="$$(pyenv root)/versions/$$(pyenv versions --bare | grep '^3.9' | tail -1)/bin/python" VENV=.venv-lowest
	.venv-lowest/bin/python -m pip install --quiet $(LOWEST)
	.venv-lowest/bin/pytest -q tests/unit tests/integration

clean:
	rm -rf .venv .venv-* .mypy_cache .ruff_cache .pytest_cache dist build
