"""Log lines reach the console once, in development (DEBUG on) as in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = (
    "import logging; "
    "logging.getLogger('django.request').warning('Warnung von Django'); "
    "logging.getLogger('releases').warning('Warnung der Website')"
)


@pytest.mark.parametrize("debug", ["1", "0"])
def test_each_warning_is_printed_once(debug):
    env = {**os.environ, "DJANGO_DEBUG": debug, "DJANGO_SECRET_KEY": "x" * 50}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CODE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Warnung von Django") == 1
    assert result.stderr.count("Warnung der Website") == 1
