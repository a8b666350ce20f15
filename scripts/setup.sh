#!/usr/bin/env bash
# Makes (or refreshes) the project's two Python environments. Safe to re-run:
# an environment is only reinstalled when its requirements file changed.
#   .venv/rasa     Python 3.10: Rasa server, action server, knowledge importer
#   .venv/gateway  current Python (3.11+): the public gateway and the test runner
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "setup: $*" >&2; exit 1; }

find_python310() {
  local candidate
  for candidate in "${RASA_PYTHON:-}" python3.10 "$HOME"/.pyenv/versions/3.10.*/bin/python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
      command -v "$candidate" || echo "$candidate"
      return 0
    fi
  done
  return 1
}

find_gateway_python() {
  local candidate
  for candidate in "${GATEWAY_PYTHON:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; assert sys.version_info >= (3, 11)' >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# make_env NAME PYTHON REQUIREMENTS
make_env() {
  local name=$1 python=$2 requirements=$3 venv=.venv/$1
  local want stamp
  want="$(sha256sum "$requirements" | cut -d' ' -f1) $("$python" --version 2>&1)"
  stamp="$venv/.installed-requirements"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    echo "setup: $venv is up to date"
    return 0
  fi
  echo "setup: installing $venv from $requirements with $("$python" --version 2>&1) (a few minutes the first time)"
  rm -f "$stamp"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip==24.0
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
  "$venv/bin/python" -m pip check || die "pip check failed in $venv"
  echo "$want" > "$stamp"
}

PY310=$(find_python310) || die "Rasa Open Source 3.6 needs Python 3.10, and none was found.
Install it (e.g. 'pyenv install 3.10.13', or your system's python3.10 package) so that
'python3.10' is on PATH, or point RASA_PYTHON at a Python 3.10 interpreter, then run this again."
PYGW=$(find_gateway_python) || die "The gateway needs Python 3.11 or newer as python3 (or set GATEWAY_PYTHON)."

mkdir -p .venv
make_env rasa "$PY310" requirements/rasa.txt
make_env gateway "$PYGW" requirements/gateway.txt
echo "setup: done (.venv/rasa: $(.venv/rasa/bin/python --version), .venv/gateway: $(.venv/gateway/bin/python --version))"
