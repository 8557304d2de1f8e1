#!/usr/bin/env bash
# Second CI environment: pandas<3 with the evidently extra, built from this checkout's own files.
#
# Evidently 0.7 does not import under pandas 3, so `mlgates[evidently]` pins pandas<3. Here the
# whole suite runs (core tests, doctests under mlgates/, notebooks, and tests/integrations/evidently
# with the parity tests; the default fast set, then the notebooks), which is also how
# pandas 2.x support is tested. MLGATES_REQUIRE_EVIDENTLY=1
# makes a failed `import evidently` a collection error instead of a silently skipped folder.
# Then the drift benchmark runs both libraries once on small data in this environment (it prints
# timings and the largest statistic difference; nothing is asserted on timings).
# Extra arguments go to pytest (e.g. `.ci/evidently.sh tests/integrations -x`).
set -euo pipefail
cd "$(dirname "$0")/.."
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_PROGRESS_BAR=off

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q -e ".[evidently,dev]"
"$tmp/venv/bin/python" -c "import evidently, pandas; print(f'== evidently environment: pandas {pandas.__version__}, evidently {evidently.__version__} ==')"
MLGATES_REQUIRE_EVIDENTLY=1 "$tmp/venv/bin/python" -m pytest "$@"
# The slow set's simulations and engines run once, in the main environment (.ci/run); here the
# notebooks (the user workflows under pandas 2), to keep the whole CI run well under 45 minutes.
MLGATES_REQUIRE_EVIDENTLY=1 "$tmp/venv/bin/python" -m pytest -m slow notebooks "$@"
"$tmp/venv/bin/python" benchmarks/drift_vs_evidently.py --rows 10000 --evidently-venv "$tmp/venv"
