# The two set-up commands of the README: `make run` and `make test`.
# Both fetch uv into .tools/ when it is not on PATH, then let uv build the environment from uv.lock.
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PYTHON ?= python3

.PHONY: run test test-fast lint bench bench-quick reliability installer deb catalogs

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

run: $(UV)
	$(UV) run --frozen aftercare gui --demo

test: $(UV)
	$(UV) run --frozen pytest -n 2 -q

# For development: the suite without the tests marked slow (the installer build); `make test`
# and CI still run everything.
test-fast: $(UV)
	$(UV) run --frozen pytest -n 2 --dist loadgroup -q -m "not slow"

# Style, types (mypy: strict for app/, see pyproject.toml) and the import contracts.
lint: $(UV)
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy
	$(UV) run --frozen lint-imports --no-logo

bench: $(UV)
	$(UV) run --frozen python -m bench

bench-quick: $(UV)
	$(UV) run --frozen python -m bench --quick

reliability: $(UV)
	AFTERCARE_RELIABILITY=full $(UV) run --frozen pytest -q tests/reliability

installer: $(UV)
	$(UV) run --frozen python build_installer.py

# The bundle wrapped in dist/aftercare_VERSION_amd64.deb (needs dpkg-deb; lintian if present).
deb: $(UV)
	$(UV) run --frozen python build_installer.py --deb

# Re-extract the messages and merge them into each catalog (then translate the new ones).
catalogs: $(UV)
	$(UV) run --frozen python i18n/update_catalogs.py
