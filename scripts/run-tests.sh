#!/usr/bin/env bash
# Runs the whole suite. pytest's exit 5 ("no tests collected") is a failure here: a CI
# that ran nothing must not pass.
set -uo pipefail
cd "$(dirname "$0")/.."
export STIR_HOME="${STIR_HOME:-$PWD/.stir-test}"
.venv/bin/pytest tests "$@"
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$rc"
