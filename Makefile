# The two commands a newcomer needs (see README): `make site` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: site test serve

site: node_modules/.package-lock.json
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(VENV)/bin/portal build
	@echo "打开方式：$(VENV)/bin/portal serve 后访问 http://127.0.0.1:8000/ （搜索需要通过 http 访问）"

# Pagefind 1.6.0 (extended binary, Chinese search index) from npm, pinned in package-lock.json;
# npm ci runs again only when package.json or the lockfile is newer than the last install.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Two workers: the suite keeps both cores of this 2-core machine ~90% busy (Chromium mostly), and back
# to back -n 3 took 161 s against 153 s for -n 2, -n 4 171 s against 159 s.
test:
	bash tests/install-deps.sh
	$(PY) -m pytest -n 2 -p no:cacheprovider

serve:
	$(VENV)/bin/portal serve
