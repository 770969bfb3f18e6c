# The two commands a newcomer needs (see README): `make site` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: site test serve

site:
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(VENV)/bin/portal build
	@echo "打开方式：$(VENV)/bin/portal serve 后访问 http://127.0.0.1:8000/ （搜索需要通过 http 访问）"

test:
	bash tests/install-deps.sh
	$(PY) -m pytest -n 2 -p no:cacheprovider

serve:
	$(VENV)/bin/portal serve
