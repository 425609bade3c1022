# Gradient-descent media: data -> videos and figures. `make help` lists the targets.
SHELL := /bin/bash
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help

# One job per core unless the command line says otherwise: a -jN given to make (-j1 included)
# overrides this (GNU make 4.3).
NPROC := $(shell nproc 2>/dev/null || echo 1)
MAKEFLAGS += -j$(NPROC)
# `make clean videos`: everything in order, so nothing is built while clean removes it.
ifneq ($(and $(filter clean,$(MAKECMDGOALS)),$(filter-out clean,$(MAKECMDGOALS))),)
.NOTPARALLEL:
endif

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DATA   := build/data
# What the scenario data is computed from (the theme's loader lives in core/ too, but only draws).
CORE_SRC := $(filter-out core/theme.py,$(wildcard core/*.py))
# The scenario names, from core/scenarios.py (python -m core makefile), for every goal but those
# that read no data: `make help` on a fresh checkout must not set anything up.
SCENARIOS_MK := build/scenarios.mk
NO_DATA_GOALS := help setup clean list snapshots test
ifneq ($(filter-out $(NO_DATA_GOALS),$(or $(MAKECMDGOALS),$(.DEFAULT_GOAL))),)
-include $(SCENARIOS_MK)
endif
$(SCENARIOS_MK): core/scenarios.py | $(STAMP)
	@mkdir -p $(@D)
	@$(PY) -m core makefile --out $@
DATA_FILES := $(SCENARIOS:%=$(DATA)/%.npz)
PYTEST_ARGS ?=

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort -u | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml render/setup.sh
	@PYTHON=$(PYTHON) render/setup.sh $@

setup: $(STAMP) ## install system packages (apt, when root) and .venv with pip install -e .[dev]

# Data. A scenario's stamp records that it was recomputed from the current core/; its .npz is
# rewritten only when its bytes change, so what reads it reruns only then. The stamps are brought up
# to date first, as prerequisites of an included makefile (DATA_MK, at the end of this file): make
# then starts over and compares the data files' real times (make has no "restat"), so
# `make -n videos` lists only what a build redoes. (make updates included makefiles even under -n
# or -q, so those may recompute data; they never render.)
DATA_MK := $(DATA)/.up-to-date.mk

define compute_scenario
@mkdir -p $(DATA)
@$(PY) -m core run $* --out $(DATA)/$*.npz
@touch $(DATA)/.$*.stamp
endef
$(DATA)/.%.stamp: $(CORE_SRC) | $(STAMP)
	$(compute_scenario)

# A missing data file (removed, or never built) is computed on its own.
$(DATA)/%.npz: | $(STAMP)
	$(compute_scenario)

data: $(DATA_FILES) ## compute every scenario into build/data/<scenario>.npz

test: $(STAMP) ## run the test suite (it computes the scenario data it needs; build/ is not read)
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

snapshots: $(STAMP) ## regenerate the committed snapshot baselines on purpose
	$(PY) -m pytest tests/test_snapshots.py --force-regen -p no:xdist -q || true
	$(PY) -m pytest tests/test_snapshots.py -p no:xdist -q

bench: $(STAMP) $(DATA_FILES) ## run the benchmarks and print their figures
	$(PY) -m render.bench
	$(PY) -m render.bench_render --masters build/bench/masters
	$(PY) -m render.bench_formats --masters build/bench/masters
	$(PY) -m render.bench_watch

clean: ## remove build/ and media/ (keeps .venv)
	rm -rf build media

.PHONY: help setup data test snapshots bench clean

# The render pipeline (videos, figures, scene previews) lives beside its code.
include $(sort $(wildcard render/*.mk))

# The data first (see DATA_MK above), for the goals that read it: in make's first pass, and again
# only when the scenario list it was brought up to date for is not the current one (the list was
# just generated): a file dated in the future (clock skew) would otherwise make every pass start
# another.
DATA_GOALS := data bench videos scene still watch figures slides $(DATA)/% $(MEDIA)/% $(RBUILD)/%
ifneq ($(filter $(DATA_GOALS),$(MAKECMDGOALS)),)
-include $(DATA_MK)
ifeq ($(MAKE_RESTARTS),)
# A data file that cannot be read or has another schema (a build killed mid-write by something
# other than make, a copy from an older version) is removed with its stamp, so it is recomputed;
# one line says so.
ifneq ($(wildcard $(PY)),)
DATA_CHECK := $(shell $(PY) -m core check --data-dir $(DATA) >&2)
endif
DATA_MK_DUE := yes
else ifneq ($(strip $(DATA_MK_SCENARIOS)),$(strip $(SCENARIOS)))
DATA_MK_DUE := yes
endif
endif
ifdef DATA_MK_DUE
$(DATA_MK): $(SCENARIOS:%=$(DATA)/.%.stamp)
	@printf '%s\n' '# the scenario stamps were up to date for these scenarios when this was written' \
	  'DATA_MK_SCENARIOS := $(SCENARIOS)' > $@
endif
