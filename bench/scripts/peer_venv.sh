#!/usr/bin/env bash
# Creates (or reuses) the virtualenv holding the Python peers used by
# compare_peers.sh: Evidently, NannyML, scipy and pandas. It lives outside the
# repository and is never used by CI.
#
#   bench/scripts/peer_venv.sh [VENV_DIR]      (default ~/.cache/driftd/bench-venv)
set -euo pipefail
venv="${1:-${HOME}/.cache/driftd/bench-venv}"
if [[ ! -x "${venv}/bin/python" ]]; then
  mkdir -p "$(dirname "${venv}")"
  python3 -m venv "${venv}"
fi
if "${venv}/bin/python" -c 'import evidently, nannyml, scipy, pandas' 2>/dev/null; then
  echo "peer venv ready: ${venv}"
  exit 0
fi
"${venv}/bin/pip" install --quiet --upgrade pip
# pandas 3 removed an internal Evidently 0.7 imports; NannyML 0.13 predates it too.
"${venv}/bin/pip" install --quiet evidently nannyml scipy "pandas<3"
"${venv}/bin/python" - <<'PY'
import evidently, nannyml, scipy, pandas, numpy
print("evidently", evidently.__version__, "nannyml", nannyml.__version__,
      "scipy", scipy.__version__, "pandas", pandas.__version__, "numpy", numpy.__version__)
PY
echo "peer venv ready: ${venv}"
