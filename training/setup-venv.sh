#!/usr/bin/env bash
# Creates training/.venv with the pinned training dependencies. Uses the PyPI mirror that pip's config names
# (pip config list) when it exists, so it never stalls on an unreachable public index.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
args=()
if [ -d /opt/pypi/simple ]; then
  args+=(--index-url file:///opt/pypi/simple)
  [ -d /opt/pypi-more/simple ] && args+=(--extra-index-url file:///opt/pypi-more/simple)
fi
# torch: on a machine where torch is already installed (e.g. the lent GPU box), keep it.
.venv/bin/pip install -q "${args[@]}" -e . 
