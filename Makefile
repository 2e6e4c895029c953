# ParkLedger: `make demo` sets everything up and serves the demo park; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export UV_PYTHON_DOWNLOADS := never
# the production server: `make serve HOST=0.0.0.0 PORT=8080`
HOST ?= 127.0.0.1
PORT ?= 8000
# `make setup OFFLINE=1`: install from wheelhouse/ (built by `make wheelhouse` where there is internet)
OFFLINE ?=
WHEELHOUSE := wheelhouse
PIP_SOURCE := $(if $(OFFLINE),--no-index --find-links $(WHEELHOUSE),)
VENDOR := parkledger/web/static/vendor
FANDOL_DIR := /usr/local/share/parkledger/fonts
FANDOL_FONTS := FandolFang-Regular FandolSong-Regular FandolSong-Bold FandolHei-Regular FandolHei-Bold

.PHONY: setup demo test lint run system-deps messages serve wheelhouse fonts-fandol

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q $(PIP_SOURCE) --upgrade pip
	$(BIN)/pip install -q $(PIP_SOURCE) -r requirements-dev.txt
	$(BIN)/pip install -q $(PIP_SOURCE) --no-deps -e .
	touch $(STAMP)

## setup: virtual environment, pinned dependencies, translations, front-end assets, migrations (idempotent)
setup: $(STAMP)
	$(BIN)/parkledger compilemessages -v 0 --ignore=.venv
	$(if $(OFFLINE),mkdir -p $(VENDOR) && cp $(WHEELHOUSE)/assets/*.js $(VENDOR)/)
	$(BIN)/parkledger assets
	$(BIN)/parkledger migrate --no-input -v 0
	$(BIN)/parkledger audit keygen --if-missing

## demo: setup, load the demo park, write its report, serve on http://127.0.0.1:8000
demo: setup
	$(BIN)/parkledger demo --if-empty
	$(BIN)/parkledger report --park ECO --period 2022-09 --format docx -o var/reports/ECO-2022-09.docx
	$(BIN)/parkledger report --park ECO --period 2022-09 --format html -o var/reports/ECO-2022-09.html
	$(BIN)/parkledger runserver 127.0.0.1:8000

## serve: the production server on http://$(HOST):$(PORT)/ — gunicorn, the job worker and the PDF
## converter, DEBUG off, settings from the environment (README "Production"); migrate first
serve: $(STAMP)
	$(BIN)/parkledger compilemessages -v 0 --ignore=.venv
	$(BIN)/parkledger assets
	DJANGO_DEBUG=0 $(BIN)/parkledger collectstatic --no-input -v 0
	DJANGO_DEBUG=0 exec $(BIN)/parkledger serve --host $(HOST) --port $(PORT)

## wheelhouse: every pinned wheel (with the dev requirements and pip/setuptools) and the front-end
## assets, for `make setup OFFLINE=1` on a server without internet
wheelhouse: $(STAMP)
	$(BIN)/pip wheel -q -w $(WHEELHOUSE) -r requirements-dev.txt pip setuptools wheel
	$(BIN)/parkledger assets
	mkdir -p $(WHEELHOUSE)/assets && cp $(VENDOR)/*.js $(WHEELHOUSE)/assets/
	@echo "$(WHEELHOUSE)/: $$(ls $(WHEELHOUSE)/*.whl | wc -l) wheels and the front-end assets"

## test: the whole suite on $DATABASE_URL (SQLite by default)
test: $(STAMP)
	$(BIN)/parkledger compilemessages -v 0 --ignore=.venv
	$(BIN)/parkledger assets
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/parkledger makemigrations --check --dry-run

## system-deps: Debian packages the PDF output, its converter and the browser tests need (root), and
## the Fandol Chinese fonts (GPL with font exception) taken from Debian's texlive-lang-chinese package
## (its five font files only, not TeX Live) into $(FANDOL_DIR)
system-deps:
	@if ! command -v soffice >/dev/null || ! command -v chromium >/dev/null || ! command -v pdffonts >/dev/null \
	    || ! test -e /usr/share/fonts/truetype/arphic/ukai.ttc || ! test -e /usr/lib/python3/dist-packages/uno.py; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-writer-nogui python3-uno fonts-noto-cjk poppler-utils chromium \
	    fonts-arphic-ukai fonts-liberation2 >/dev/null; fi
	@$(MAKE) -s fonts-fandol

## fonts-fandol: only the Fandol fonts of system-deps (e.g. in deploy/Dockerfile)
fonts-fandol:
	@if ! test -e $(FANDOL_DIR)/FandolFang-Regular.otf; then \
	  tmp=$$(mktemp -d) && cd $$tmp && { apt-get download texlive-lang-chinese >/dev/null 2>&1 \
	    || { apt-get update -qq && apt-get download texlive-lang-chinese >/dev/null 2>&1; }; } \
	  && dpkg-deb -x texlive-lang-chinese_*.deb x && install -d $(FANDOL_DIR) \
	  && for f in $(FANDOL_FONTS); do \
	    install -m 644 x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/$$f.otf $(FANDOL_DIR)/; done \
	  && gzip -dc x/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz > $(FANDOL_DIR)/COPYING \
	  && cd / && rm -rf $$tmp; fi
