"""`import mlgates` stays light: no numerical stack until a gate is used."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("numpy", "pandas", "scipy", "sklearn", "fairlearn", "evidently", "matplotlib", "dask", "mlflow")


def _loaded_after(code: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    modules = json.loads(out.strip().splitlines()[-1])
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))


def test_import_mlgates_loads_no_heavy_module():
    assert _loaded_after("import mlgates") == []


def test_public_names_resolve_lazily():
    code = (
        "import mlgates\nfrom mlgates._exports import LAZY_EXPORTS\n"
        "names = [getattr(mlgates, n) for n in mlgates.__all__\n"
        "         if not LAZY_EXPORTS.get(n, '').startswith('mlgates.integrations')]"
    )
    loaded = _loaded_after(code)
    assert "evidently" not in loaded  # integrations stay behind their extra


def test_all_is_sorted_and_complete():
    import mlgates

    assert mlgates.__all__ == sorted(mlgates.__all__)
    assert set(mlgates.__all__) <= set(dir(mlgates))


def test_type_checking_block_lists_every_lazy_name():
    import ast
    from pathlib import Path

    import mlgates
    from mlgates._exports import LAZY_EXPORTS

    tree = ast.parse(Path(mlgates.__file__).read_text())
    imported = {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    missing = [n for n, m in LAZY_EXPORTS.items() if (m, n) not in imported]
    assert not missing, f"add to the TYPE_CHECKING block of mlgates/__init__.py: {missing}"


def test_star_import_works_without_extras():
    loaded = _loaded_after("from mlgates import *")  # raises in the subprocess if a name fails
    assert "evidently" not in loaded and "sklearn" not in loaded
