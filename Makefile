# Two commands on a fresh machine with Python 3.11: `make demo`, then `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
OFFLINE := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1

.PHONY: install demo micro study test lint preflight clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[workflow,dev]'
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(OFFLINE) $(BIN)/snakemake --profile profiles/demo
	$(OFFLINE) $(BIN)/snakemake --profile profiles/demo --report results/report.html

# The micro reproduction (docs/reproduction.md): about 35 minutes on 2 CPU cores, not part of
# the tests. XQuAD-R from ../shared/data when present, else from LAReQA's pinned commit.
MICRO_SOURCE := $(if $(wildcard ../shared/data/xquad-r/en.json),,--configfile profiles/micro/pipeline.yaml profiles/micro/lareqa-url.yaml)

micro: $(STAMP)
	$(OFFLINE) $(BIN)/snakemake --profile profiles/micro $(MICRO_SOURCE)

# A study (studies/NAME/README.md), e.g. `make study NAME=mbert_xquad`: the real data and models,
# on this machine's GPUs with the pinned envs (on Slurm: README, "Studies").
STUDIES := $(notdir $(wildcard studies/*))

study: $(STAMP)
	@test -f studies/$(NAME)/config.yaml || { echo "usage: make study NAME=<one of: $(STUDIES)>"; exit 2; }
	$(BIN)/snakemake --cores 8 --use-conda --configfile studies/$(NAME)/config.yaml --replace-workflow-config

test: $(STAMP)
	$(OFFLINE) $(BIN)/python -m pytest

# Before a real run: `make preflight`, or `make preflight CONFIG=my.yaml` for a config of your own.
preflight: $(STAMP)
	$(BIN)/python -m hybridir.preflight $(if $(CONFIG),--configfile $(CONFIG))

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

clean:
	rm -rf results .snakemake
