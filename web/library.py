"""Where the process library is, that ``signaalroute init`` deploys.

``PROCESSES_DIR`` when set; else ``processes/`` of the checkout the code runs from (also
with an editable install); else the copy a wheel installs under
``<prefix>/share/signaalroute/processes`` (``[tool.setuptools.data-files]`` in pyproject.toml).
"""
from __future__ import annotations

import site
import sys
import sysconfig
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
INSTALLED = Path("share") / "signaalroute" / "processes"


def default_processes_dir() -> Path:
    """The checkout's ``processes/``, or the installed copy; the checkout's path when neither exists."""
    checkout = CHECKOUT / "processes"
    if (CHECKOUT / "pyproject.toml").is_file() and checkout.is_dir():
        return checkout
    prefixes = [sysconfig.get_path("data"), sys.prefix, site.getuserbase()]
    for prefix in prefixes:
        installed = Path(prefix) / INSTALLED
        if installed.is_dir():
            return installed
    return checkout
