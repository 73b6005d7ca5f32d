# Two commands: `make run` (the whole stack on this machine) and `make test` (the whole suite).
# Both create the virtualenv and install what they need on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# The SAM CLI lives in its own virtualenv: it pins boto3 and the translator to its own versions.
SAM_VENV  := .venv-sam
SAM_STAMP := $(SAM_VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): shared/requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

$(SAM_STAMP): requirements-sam.txt
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements-sam.txt
	touch $(SAM_STAMP)

run: $(STAMP)
	$(PY) -m infra.local

test: $(STAMP) $(SAM_STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP) $(SAM_STAMP)
	$(VENV)/bin/cfn-lint template.yaml
	$(SAM_VENV)/bin/sam validate --lint --region ap-southeast-3 -t template.yaml

bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) $(SAM_VENV) .pytest_cache
