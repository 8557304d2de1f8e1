"""Without Evidently, importing the integration names the extra to install (runs in every env)."""

from __future__ import annotations

import subprocess
import sys


def test_import_without_evidently_names_the_extra():
    code = (
        "import sys; sys.modules['evidently'] = None\n"
        "import mlgates, mlgates.integrations\n"
        "try:\n"
        "    import mlgates.integrations.evidently\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
        "else:\n"
        "    print('imported')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "pip install mlgates[evidently]" in out
    assert "pandas<3" in out


def test_import_mlgates_does_not_import_evidently():
    code = "import sys, mlgates, mlgates.integrations; print('evidently' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
