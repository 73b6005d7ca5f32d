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

# The suite runs in TEST_JOBS processes (pytest-xdist, whole modules each, a local cloud each):
# alone it keeps one of this machine's two cores busy. The scan of every log line the run made
# the functions write for personal data must come after all of them: a step of its own.
TEST_JOBS ?= 2
PYTEST    := $(PY) -m pytest -q -n $(TEST_JOBS) --dist loadfile
LOG_SCAN  := tests/e2e/test_zz_logs_hold_no_personal_data.py

.PHONY: run test lint coverage bench clean chromium run-localstack test-localstack build-SharedLayer

# The packages go in with uv (pinned, installed by pip into the project's venv): a fresh venv of
# requirements-dev.txt took 109 s with pip here and 10 s with uv, and CI builds three.
UV_VERSION := 0.9.16
UV         := $(VENV)/bin/uv

$(UV):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): shared/requirements.txt requirements-dev.txt | $(UV)
	$(UV) pip install -q --python $(PY) -r requirements-dev.txt
	touch $(STAMP)

$(SAM_STAMP): requirements-sam.txt | $(UV)
	test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv $(SAM_VENV)
	$(UV) pip install -q --python $(SAM_VENV)/bin/python -r requirements-sam.txt
	touch $(SAM_STAMP)

$(LS_STAMP): requirements-localstack.txt | $(STAMP) $(UV)
	test -x $(LS_VENV)/bin/python || { PY313="$$($(PY) -m infra.local.localstack python313)" && "$$PY313" -m venv $(LS_VENV); }
	$(UV) pip install -q --python $(LS_VENV)/bin/python -r requirements-localstack.txt
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

# The same end-to-end tests against that split, then what LocalStack served. (The browser tests
# run once, in `make test`: they drive the same API the end-to-end tests call here, and on
# LocalStack they added 70 % to this target's time for no path the end-to-end tests lack.)
# The SLA tests (the sweep fired days ahead) and the random-fault run need a cloud of their own:
# in LocalStack mode a second cloud in one process would share the endpoint variables, so each
# runs in a pytest session of its own, one after the other (run beside each other, the load
# let notify's retry come after its lease had run out, and the random-fault run checks that a
# retry met a live lease).
test-localstack: $(STAMP) $(LS_STAMP)
	rm -f test-output/localstack-*.log
	ADUAN_CLOUD=localstack $(PYTEST) tests/e2e $(addprefix --ignore=,$(LS_OWN_CLOUD) $(LS_NOT_RUN) $(LOG_SCAN)) $(PYTEST_ARGS)
	ADUAN_CLOUD=localstack ADUAN_TEST_LOGS_KEEP=1 $(PY) -m pytest -q $(LOG_SCAN)
	$(PY) -m infra.local.localstack requests test-output/localstack-*.log
	$(foreach module,$(LS_OWN_CLOUD),ADUAN_CLOUD=localstack $(PY) -m pytest -q $(module) $(PYTEST_ARGS) &&) true

test: $(STAMP) $(SAM_STAMP) chromium
	$(PYTEST) --ignore=$(LOG_SCAN) $(PYTEST_ARGS)
	ADUAN_TEST_LOGS_KEEP=1 $(PY) -m pytest -q $(LOG_SCAN)

lint: $(STAMP) $(SAM_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	MYPYPATH=$(MYPYPATH) $(VENV)/bin/mypy -p aduan $(addprefix -p ,$(SERVICES))
	$(VENV)/bin/cfn-lint template.yaml
	$(SAM_VENV)/bin/sam validate --lint --region ap-southeast-3 -t template.yaml

# A coverage report of the unit, adapter and contract suites (printed, not a gate).
coverage: $(STAMP)
	$(PY) -m pytest -q --cov=shared --cov=services --cov-report=term:skip-covered tests/unit tests/adapters tests/contract

# Cold starts are measured on the Lambda runtime's Python (template.yaml: python3.12), in a venv
# of the layer's packages and the runtime's boto3, their bytecode compiled as Lambda has it.
BENCH_VENV   := .venv-bench
BENCH_STAMP  := $(BENCH_VENV)/.installed
PYTHON312    ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12) $(shell command -v python3.12))
BOTO3_PIN     = $(shell grep -E '^boto3==' requirements-dev.txt)

$(BENCH_STAMP): shared/requirements.txt requirements-dev.txt | $(UV)
	@if [ -z "$(PYTHON312)" ]; then \
		echo "no Python 3.12 found: cold starts are measured on $(PY)'s Python (bench says so)" >&2; \
	else \
		test -x $(BENCH_VENV)/bin/python || $(UV) venv -q -p "$(PYTHON312)" $(BENCH_VENV); \
		$(UV) pip install -q --compile-bytecode --python $(BENCH_VENV)/bin/python \
			-r shared/requirements.txt $(BOTO3_PIN) && touch $(BENCH_STAMP); \
	fi

bench: $(STAMP) $(BENCH_STAMP)
	$(PY) -m bench.run

# sam build runs these (template.yaml: BuildMethod makefile, ContextPath .) in a copy of each
# CodeUri, with ARTIFACTS_DIR set. The code goes out compiled for the runtime's Python: Lambda's
# /var/task and /opt are read-only, so source without bytecode is compiled again in every cold
# container (bench/run.py measures both). Unchecked-hash bytecode: a zip keeps no source times
# to compare with, and an artifact never changes.
LAMBDA_PYTHON ?= $(PYTHON312)
LAMBDA_COMPILE = find "$(1)" -name __pycache__ -prune -exec rm -rf {} + && \
	"$(LAMBDA_PYTHON)" -m compileall -q --invalidation-mode unchecked-hash "$(1)"
# The layer's packages as the arm64 runtime needs them (binary wheels for its glibc).
LAMBDA_WHEELS := --platform manylinux2014_aarch64 --platform manylinux_2_28_aarch64 \
	--implementation cp --python-version 3.12 --only-binary=:all:

LAMBDA_CHECK = @test -x "$(LAMBDA_PYTHON)" || { echo "no Python 3.12 found: make ... LAMBDA_PYTHON=/path/to/python3.12" >&2; exit 1; }

build-%Function:
	$(LAMBDA_CHECK)
	cp -R ./. "$(ARTIFACTS_DIR)"
	$(call LAMBDA_COMPILE,$(ARTIFACTS_DIR))

build-SharedLayer:
	$(LAMBDA_CHECK)
	"$(LAMBDA_PYTHON)" -m pip install -q --disable-pip-version-check --no-compile \
		$(LAMBDA_WHEELS) --target "$(ARTIFACTS_DIR)/python" -r requirements.txt
	rm -rf "$(ARTIFACTS_DIR)/python/bin"
	cp -R aduan "$(ARTIFACTS_DIR)/python/"
	$(call LAMBDA_COMPILE,$(ARTIFACTS_DIR)/python)

clean:
	rm -rf $(VENV) $(SAM_VENV) $(LS_VENV) $(BENCH_VENV) .pytest_cache
