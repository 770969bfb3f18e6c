#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine; safe to run again.
# Python packages go into .venv (exact pins from pyproject.toml + constraints.txt); Chromium,
# the CJK fonts (without them Chinese renders as boxes) and Java (for the Nu HTML checker)
# come from Debian; Pagefind (the search index binary of `portal build`) from the root
# package-lock.json; npm tools of the quality gates from tests/quality/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
# pip runs again only when the pins changed since the last install (a stamp in .venv); it takes
# ~3 s even when everything is installed, on every `make test`.
stamp=.venv/.portal-test-deps
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]" 2>&1 \
    | grep -v "^WARNING: Location" || true
  touch "$stamp"
fi
.venv/bin/python -c "import generator, playwright, pytest" # fail early if the install did not work

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium chromium-driver)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "install ok installed" || missing+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  # The same install as measured on this kind of machine (recommends included: fonts, sandbox helper).
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Same rule as the Makefile: npm ci only when package.json or the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] \
   || [ package.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# The gates' npm tools likewise: npm ci (11 s, it reinstalls everything) only after a change.
quality=tests/quality
if [ -f $quality/package-lock.json ] && { [ ! -f $quality/node_modules/.package-lock.json ] \
   || [ $quality/package-lock.json -nt $quality/node_modules/.package-lock.json ] \
   || [ $quality/package.json -nt $quality/node_modules/.package-lock.json ]; }; then
  (cd $quality && npm ci --no-audit --no-fund --loglevel=error)
fi
