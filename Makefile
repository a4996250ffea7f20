# Two commands do the whole setup on a fresh machine:
#   make run    create .venv, install, serve the app at http://127.0.0.1:7860
#   make test   create .venv, install (with test tools and Chromium where apt can), build the test
#               inference engine (.venv-engine), run every test
# Both are idempotent: a second run skips the install (stamp files in .venv and .venv-engine).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
# Every install goes through scripts/install.py: the app's requirements through uv where it can be had (from a
# warm cache in seconds, where pip takes about 50 s), else pip, the same pins either way; nothing is
# byte-compiled at install (pip would compile all ~17,500 modules; Python compiles the ~4,000 that are imported,
# once, on first import). That needs bytecode writing on, so the targets below turn PYTHONDONTWRITEBYTECODE off
# (an empty value) for the processes they start.
INSTALL := $(PY) scripts/install.py $(PY)
# The test inference engine (llama-cpp-python's OpenAI-compatible server) lives in its own venv so that
# its web dependencies never meet the app's Gradio pins; the app's environment never imports it.
ENGINE_VENV := .venv-engine
ENGINE_PY   := $(ENGINE_VENV)/bin/python
# Portable x86-64 build (AVX2/FMA/F16C, no -march=native): pip caches the wheel by version, not by
# CPU, so a native build restored onto another machine could die of an illegal instruction.
ENGINE_CMAKE_ARGS ?= -DGGML_NATIVE=OFF
ENGINE_WHEEL := $(shell sed -n 's/^llama-cpp-python\[server\]==\(.*\)/llama_cpp_python-\1/p' requirements-engine.txt)
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_DISABLE_TELEMETRY := 1
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test bench browser-deps engine clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-installed: requirements.txt requirements-offline.txt requirements-setup.txt | $(PY)
	$(INSTALL) -r requirements.txt
	$(INSTALL) --no-deps -r requirements-offline.txt
	touch $@

$(VENV)/.test-installed: $(VENV)/.run-installed requirements-dev.txt
	$(INSTALL) -r requirements-dev.txt
	touch $@

$(ENGINE_PY):
	$(PYTHON) -m venv $(ENGINE_VENV)

$(ENGINE_VENV)/.engine-installed: requirements-engine.txt | $(ENGINE_PY)
	@if $(ENGINE_PY) -m pip cache list '$(ENGINE_WHEEL)-*' 2>/dev/null | grep -q whl; then \
	  echo "engine: installing llama-cpp-python from pip's cached wheel (seconds)"; \
	else \
	  echo "engine: FIRST BUILD of llama-cpp-python from source for the remote-server tests:"; \
	  echo "        extra time, about 5-8 minutes on 2 cores (once; pip caches the wheel)"; \
	fi
	CMAKE_ARGS="$(ENGINE_CMAKE_ARGS)" PLAYGROUND_INSTALLER=pip $(ENGINE_PY) scripts/install.py $(ENGINE_PY) -r requirements-engine.txt
	touch $@

engine: $(ENGINE_VENV)/.engine-installed

run: $(VENV)/.run-installed
	$(PY) app.py

browser-deps:
	@bash scripts/ensure-chromium.sh

# Two pytest workers (pytest-xdist; one torch thread each on 2 cores), a test file per worker at a time so
# that module fixtures are built once; TEST_WORKERS=0 runs everything in one process. A worker that dies (the
# OOM killer, a segfault) fails its test and ends the run: xdist's replacement worker can hang under loadfile
# (pytest-xdist issue 784), and CI then waits out its whole time limit.
TEST_WORKERS ?= 2

test: $(VENV)/.test-installed browser-deps engine
	HF_HUB_OFFLINE=1 $(PY) -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile --max-worker-restart=0)

bench: $(VENV)/.test-installed
	HF_HUB_OFFLINE=1 $(PY) -m bench.run_all

clean:
	rm -rf $(VENV) $(ENGINE_VENV) .pytest_cache artifacts
