# Two commands do the whole setup on a fresh machine:
#   make run    create .venv, install, serve the app at http://127.0.0.1:7860
#   make test   create .venv, install (with test tools and Chromium where apt can), run every test
# Both are idempotent: a second run skips the install (stamp files in .venv).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: run test bench browser-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: requirements.txt requirements-offline.txt | $(PY)
	$(PIP) install --disable-pip-version-check -q -r requirements.txt
	$(PIP) install --disable-pip-version-check -q --no-deps -r requirements-offline.txt
	touch $@

$(VENV)/.test-installed: $(VENV)/.run-installed requirements-dev.txt
	$(PIP) install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.run-installed
	$(PY) app.py

browser-deps:
	@bash scripts/ensure-chromium.sh

test: $(VENV)/.test-installed browser-deps
	HF_HUB_OFFLINE=1 $(PY) -m pytest

bench: $(VENV)/.test-installed
	HF_HUB_OFFLINE=1 $(PY) -m bench.run_all

clean:
	rm -rf $(VENV) .pytest_cache artifacts
