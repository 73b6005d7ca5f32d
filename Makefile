# Two commands: `make run` (the whole stack on this machine) and `make test` (the whole suite).
# Both create the virtualenv and install what they need on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# The SAM CLI lives in its own virtualenv: it pins boto3 and the translator to its own versions.
SAM_VENV  := .venv-sam
SAM_STAMP := $(SAM_VENV)/.installed

# Every function's code folder is an import root, as in Lambda; mypy checks the layer and each.
SERVICES := $(notdir $(wildcard services/*))
MYPYPATH := shared:$(subst $(eval) ,:,$(addprefix services/,$(SERVICES)))

# LocalStack too: it runs only on Python 3.13 (found by infra/local/localstack.py, or it names
# what to install) and pins its own boto3 and moto.
LS_VENV  := .venv-localstack
LS_STAMP := $(LS_VENV)/.installed
# End-to-end modules that need a cloud of their own (see test-localstack).
LS_OWN_CLOUD := tests/e2e/test_officer_sla.py tests/e2e/test_faults_random.py
# Restarting from the embedded emulator's state folder: LocalStack's own state is not kept, so
# this module is not collected in LocalStack mode (rather than shown as skipped).
LS_NOT_RUN := tests/e2e/test_state_kept.py

.PHONY: run test lint coverage bench clean chromium run-localstack test-localstack

$(STAMP): shared/requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

$(SAM_STAMP): requirements-sam.txt
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements-sam.txt
	touch $(SAM_STAMP)

$(LS_STAMP): requirements-localstack.txt | $(STAMP)
	test -x $(LS_VENV)/bin/python || { PY313="$$($(PY) -m infra.local.localstack python313)" && "$$PY313" -m venv $(LS_VENV); }
	$(LS_VENV)/bin/python -m pip install -q --disable-pip-version-check -r requirements-localstack.txt
	touch $(LS_STAMP)

# Other ports: make run ARGS="--api-port 8080 --aws-port 4567 --providers-port 8081"
run: $(STAMP)
	$(PY) -m infra.local $(ARGS)

# The browser tests drive Debian's chromium (Playwright's own browser download is never used).
chromium:
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

# LocalStack serves the messaging and storage, the embedded moto the rest (README: two modes).
run-localstack: $(STAMP) $(LS_STAMP)
	$(PY) -m infra.local --localstack

# The same end-to-end tests (and browser tests) against that split, then what LocalStack served.
test-localstack: $(STAMP) $(LS_STAMP) chromium
	ADUAN_CLOUD=localstack $(PY) -m pytest -q tests/e2e $(wildcard tests/browser) $(addprefix --ignore=,$(LS_OWN_CLOUD) $(LS_NOT_RUN)) $(PYTEST_ARGS)
	$(PY) -m infra.local.localstack requests test-output/localstack.log
	# The SLA tests (the sweep fired days ahead) and the random-fault run need a cloud of their
	# own: in LocalStack mode a second cloud in one process would share the endpoint variables,
	# so each runs in a pytest session of its own.
	$(foreach module,$(LS_OWN_CLOUD),ADUAN_CLOUD=localstack $(PY) -m pytest -q $(module) $(PYTEST_ARGS) &&) true

test: $(STAMP) $(SAM_STAMP) chromium
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP) $(SAM_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	MYPYPATH=$(MYPYPATH) $(VENV)/bin/mypy -p aduan $(addprefix -p ,$(SERVICES))
	$(VENV)/bin/cfn-lint template.yaml
	$(SAM_VENV)/bin/sam validate --lint --region ap-southeast-3 -t template.yaml

# A coverage report of the unit, adapter and contract suites (printed, not a gate).
coverage: $(STAMP)
	$(PY) -m pytest -q --cov=shared --cov=services --cov-report=term:skip-covered tests/unit tests/adapters tests/contract

bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) $(SAM_VENV) $(LS_VENV) .pytest_cache
