# gangwei — the README's two commands, and the steps they are made of.
#
#   make run     set up a fresh Debian 12 machine, load the demo data, serve http://127.0.0.1:8000/
#   make test    set up a fresh Debian 12 machine, run the test suite
#
# Nothing here reads standard input (CI=true, apt-get -y, npm ci).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000
STAGE ?= apply
PYTEST_ARGS ?=

# Debian packages: the CJK fonts and HarfBuzz's subsetter for the PDF (WeasyPrint), Chromium for the
# browser tests, poppler-utils to look at PDFs, fontconfig so WeasyPrint finds the fonts,
# postgresql-client for manage.py backup / restore (pg_dump, pg_restore) on PostgreSQL.
DEBIAN_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 chromium poppler-utils fontconfig postgresql-client
# Node.js and npm install Bootstrap; Debian's are used only when no node/npm is on PATH.
NODE_PACKAGES := nodejs npm

export DEBIAN_FRONTEND := noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1
export npm_config_audit := false
export npm_config_fund := false
export npm_config_update_notifier := false

.PHONY: help run test setup deps venv assets lint messages clean

help:
	@echo "make run     安装依赖，载入演示数据，在 http://$(ADDR)/ 启动（STAGE=apply|review|training|assessment|naming）"
	@echo "make test    安装依赖，运行全部测试（PYTEST_ARGS=... 传给 pytest）"
	@echo "make setup   只安装：deps + venv + assets"
	@echo "make lint    ruff check 与 makemigrations --check"
	@echo "make messages  修改 locale/zh_Hans/LC_MESSAGES/django.po 后重新编译 django.mo（需要 gettext）"
	@echo "make clean   删除 .venv、node_modules、收集的静态文件和缓存（不删数据库 var/db.sqlite3）"

run: deps venv assets
	@mkdir -p var
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py createcachetable
	DEBUG=true $(PY) manage.py loaddata fixtures/organisations.json fixtures/campaign_2021.json
	DEBUG=true SITE_URL="$${SITE_URL:-http://$(ADDR)}" $(PY) manage.py seed_demo --stage $(STAGE)
	@echo "打开 http://$(ADDR)/ ，用上面的演示账号登录；Ctrl+C 停止。演示邮件由后台的 db_worker 打印在控制台。"
	@DEBUG=true SITE_URL="$${SITE_URL:-http://$(ADDR)}" $(PY) manage.py db_worker --no-reload --interval 2 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true' EXIT; \
	  DEBUG=true SITE_URL="$${SITE_URL:-http://$(ADDR)}" $(PY) manage.py runserver $(ADDR)

test: deps venv assets
	$(VENV)/bin/pytest $(PYTEST_ARGS)

setup: deps venv assets

# System packages. As root: install what is missing (apt-get update only when a package is not
# known, or the install fails on stale lists). Otherwise: say what is missing and stop.
deps:
	@missing=""; \
	for pkg in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
	done; \
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then \
	  for pkg in $(NODE_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "ok installed" || missing="$$missing $$pkg"; \
	  done; \
	fi; \
	if ! $(PYTHON) -c "import ensurepip, venv" >/dev/null 2>&1; then missing="$$missing python3-venv"; fi; \
	if [ -z "$$missing" ]; then echo "deps: 系统软件包齐全 (all Debian packages present)"; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "deps: 缺少系统软件包 (missing Debian packages):$$missing" >&2; \
	  echo "deps: 请以 root 运行 'sudo make deps'，或执行：" >&2; \
	  echo "      sudo apt-get update && sudo apt-get install -y --no-install-recommends$$missing" >&2; \
	  exit 1; \
	fi; \
	echo "deps: 安装 (installing):$$missing"; \
	for pkg in $$missing; do \
	  apt-cache show "$$pkg" >/dev/null 2>&1 || { apt-get update -qq; break; }; \
	done; \
	apt-get install -y -qq --no-install-recommends $$missing \
	  || { apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing; }

# The virtualenv, rebuilt when it is broken, reinstalled when a requirements file changes.
venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if ! $(PY) -c "import sys" >/dev/null 2>&1; then \
	  rm -rf $(VENV); \
	  echo "venv: $(PYTHON) -m venv $(VENV)"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	@echo "venv: pip install -r requirements-dev.txt"
	@$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

# Front-end packages (Bootstrap), served by the app from node_modules/bootstrap/dist.
assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@echo "assets: npm ci"
	@npm ci --no-audit --no-fund --loglevel=error
	@test -f node_modules/bootstrap/dist/css/bootstrap.min.css
	@touch $@

lint: venv
	$(VENV)/bin/ruff check .
	@mkdir -p var
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

messages:
	msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) node_modules var/staticfiles .pytest_cache .ruff_cache out test-results
	find . -name __pycache__ -type d -prune -not -path "./.git/*" -exec rm -rf {} +
