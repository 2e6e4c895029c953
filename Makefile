# ParkLedger: `make demo` sets everything up and serves the demo park; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export UV_PYTHON_DOWNLOADS := never

.PHONY: setup demo test lint run system-deps messages

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

## setup: virtual environment, pinned dependencies, translations, front-end assets, migrations (idempotent)
setup: $(STAMP)
	$(BIN)/parkledger compilemessages -v 0 --ignore=.venv
	$(BIN)/parkledger assets
	$(BIN)/parkledger migrate --no-input -v 0

## demo: setup, load the demo park, write its report, serve on http://127.0.0.1:8000
demo: setup
	$(BIN)/parkledger demo --if-empty
	$(BIN)/parkledger report --park ECO --period 2022-09 --format docx -o var/reports/ECO-2022-09.docx
	$(BIN)/parkledger report --park ECO --period 2022-09 --format html -o var/reports/ECO-2022-09.html
	$(BIN)/parkledger runserver 127.0.0.1:8000

## test: the whole suite on $DATABASE_URL (SQLite by default)
test: $(STAMP)
	$(BIN)/parkledger compilemessages -v 0 --ignore=.venv
	$(BIN)/parkledger assets
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/parkledger makemigrations --check --dry-run

## system-deps: Debian packages the PDF output and the browser tests need (root)
system-deps:
	@if ! command -v soffice >/dev/null || ! command -v chromium >/dev/null || ! command -v pdffonts >/dev/null \
	    || ! test -e /usr/share/fonts/truetype/arphic/ukai.ttc; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-writer-nogui fonts-noto-cjk poppler-utils chromium \
	    fonts-arphic-ukai fonts-liberation2 >/dev/null; fi
