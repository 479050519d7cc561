# Chidao: `make run` serves the app with demo data; `make test` runs the whole suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1:8000

.PHONY: install run test lint typecheck app-deps system-deps smoke messages clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# The demo's shared logins open without an authenticator app; set CHIDAO_OTP_REQUIRED_ROLES=admin,personnel (the
# default everywhere else) to require the second factor here too.
run: export CHIDAO_OTP_REQUIRED_ROLES ?=
run: install app-deps
	mkdir -p $${CHIDAO_VAR_DIR:-var}
	$(BIN)/chidao migrate --noinput -v0
	$(BIN)/chidao demo
	$(BIN)/chidao reminders
	@echo "Chidao: http://$(HOST)/ (background worker for report builds and reminders started alongside)"
	$(BIN)/chidao tasks -v0 sweep --older-than 0
	$(BIN)/chidao worker --queue-name '*' --no-reload --no-startup-delay -v0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/chidao runserver $(HOST)

app-deps:
	bash scripts/install-system-deps.sh --app

system-deps:
	bash scripts/install-system-deps.sh

# `make run` and the production scripts started, checked over HTTP as a user would, and stopped.
smoke:
	bash scripts/smoke.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy chidao

test: install system-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy chidao
	$(BIN)/chidao check
	$(BIN)/chidao makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Re-extract and compile translations (needs GNU gettext: apt-get install gettext).
messages: install
	cd chidao && ../$(BIN)/chidao makemessages -l en --no-obsolete --ignore "static/*" && ../$(BIN)/chidao compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache
