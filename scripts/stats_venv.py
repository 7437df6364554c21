"""The virtualenv the table-driven case generators (scripts/gen_*_cases.py) run in.

ensure_venv(script) creates it if needed (/work/.venv-stats beside the
repository, or $STATS_VENV), installs the pinned oracle packages of
scripts/requirements-stats.txt, and re-runs `script` inside it with
--no-venv.
"""

import os
import subprocess
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REQS = REPO / "scripts" / "requirements-stats.txt"
VENV = Path(os.environ.get("STATS_VENV", REPO.parent / ".venv-stats"))


def ensure_venv(script):
    """Re-runs `script` inside the virtualenv with the pinned oracle packages."""
    python = VENV / "bin" / "python"
    if not python.exists():
        venv.create(VENV, with_pip=True)
    subprocess.check_call([str(python), "-m", "pip", "install", "-q", "-r", str(REQS)])
    os.execv(str(python), [str(python), str(script), "--no-venv"])
