# sangloc — the README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := server/ui/static/vendor
ASSETS := $(VENDOR)/.installed
CATALOGUES := server/ui/translations/vi/LC_MESSAGES/messages.mo

.PHONY: run test venv assets system-deps lint bench clean

# Installation is quiet: pip's output goes to $(VENV)/install.log, shown only if it fails.
$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@echo "installing sangloc into $(VENV) (log: $(VENV)/install.log)"
	@{ $(BIN)/pip install --upgrade pip && $(BIN)/pip install -e '.[test]'; } \
	  > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; echo "installation failed"; exit 1; }
	@touch $(STAMP)

venv: $(STAMP)

# The web pages' front-end files, from the npm registry as pinned in package-lock.json, copied
# into a git-ignored folder sangloc serves itself (no CDN, no build step).
$(ASSETS): package.json package-lock.json
	@npm ci --no-audit --no-fund --ignore-scripts --loglevel=error > /dev/null
	@mkdir -p $(VENDOR)
	@cp node_modules/htmx.org/dist/htmx.min.js node_modules/@picocss/pico/css/pico.min.css $(VENDOR)/
	@# Chart.js's browser build (UMD: a global Chart), for the dashboard (server/ui/static/dashboard.js)
	@cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/
	@# ODK Web Forms (ES modules; they import only "vue") and Vue's runtime-only browser build,
	@# mapped by the form trial page's import map (server/ui/form_trial.py)
	@cp node_modules/vue/dist/vue.runtime.esm-browser.prod.js $(VENDOR)/
	@rm -rf $(VENDOR)/web-forms && mkdir -p $(VENDOR)/web-forms
	@cp node_modules/@getodk/web-forms/dist/*.js $(VENDOR)/web-forms/
	@touch $(ASSETS)

# The pages' Vietnamese catalogue, compiled from the committed .po file.
$(CATALOGUES): server/ui/translations/vi/LC_MESSAGES/messages.po $(STAMP)
	@$(BIN)/pybabel compile -d server/ui/translations > /dev/null 2>&1

assets: $(ASSETS) $(CATALOGUES)

# The web server and the scheduler together; Ctrl-C stops both. On a first run the admin
# login and a demo device are shown last, once the server answers.
run: $(STAMP) assets
	@$(BIN)/sangloc serve --demo

system-deps:
	@missing=""; \
	command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 || missing="$$missing openjdk-17-jdk-headless"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	test -x /usr/sbin/pgbouncer || missing="$$missing pgbouncer"; \
	test -x /usr/sbin/nginx || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "missing system packages:$$missing (run as root or install them; tests needing them will skip, or fail in strict mode)"; \
	  fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: $(STAMP) assets system-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache node_modules $(VENDOR) $(CATALOGUES)
