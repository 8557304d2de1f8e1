"""What ran the code: Python, platform, package versions, BLAS, git state, thread settings."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["ENVIRONMENT_VARIABLES", "PACKAGES", "capture_environment", "comparable_environment", "git_state"]

#: Distributions whose versions are recorded when installed (others can be added by name).
PACKAGES = (
    "mlgates",
    "numpy",
    "pandas",
    "scipy",
    "scikit-learn",
    "fairlearn",
    "statsmodels",
    "xxhash",
    "pyarrow",
    "polars",
    "joblib",
    "threadpoolctl",
    "xgboost",
    "lightgbm",
    "catboost",
    "torch",
    "tensorflow",
    "jax",
)
#: Environment variables that change results or their reproducibility.
ENVIRONMENT_VARIABLES = (
    "PYTHONHASHSEED",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "MKL_CBWR",
    "CUDA_VISIBLE_DEVICES",
    "CUBLAS_WORKSPACE_CONFIG",
    "TF_DETERMINISTIC_OPS",
    "SKLEARN_SEED",
)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _blas() -> list[dict[str, Any]]:
    try:
        import numpy  # noqa: F401 - loads the BLAS that threadpoolctl reports
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    keep = ("user_api", "internal_api", "version", "num_threads", "threading_layer", "architecture")
    return [{k: info.get(k) for k in keep} for info in threadpool_info()]


def _git(cwd: Path) -> dict[str, Any] | None:
    def run(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = run("rev-parse", "HEAD")
    if commit is None:
        return None
    status = run("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": commit,
        "dirty": bool(status),
        "branch": run("rev-parse", "--abbrev-ref", "HEAD"),
    }


def git_state(cwd: str | os.PathLike[str] | None = None) -> dict[str, Any] | None:
    """Commit, dirty flag (uncommitted changes to tracked files) and branch of the git
    repository at ``cwd`` (the current directory by default); None outside a repository.

    Examples
    --------
    >>> import tempfile
    >>> git_state(tempfile.mkdtemp()) is None
    True
    """
    return _git(Path(cwd) if cwd is not None else Path.cwd())


def capture_environment(
    *, packages: tuple[str, ...] | list[str] = (), cwd: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """Describe the environment a result was produced in.

    Parameters
    ----------
    packages : sequence of str, optional
        More distribution names to record, besides :data:`PACKAGES`.
    cwd : path, optional
        Directory whose git repository (if any) is described; the current directory by default.

    Returns
    -------
    dict
        ``python``, ``implementation``, ``platform``, ``system``, ``machine``, ``cpu_count``,
        ``packages`` (installed ones only), ``blas`` (threadpoolctl: library, version, thread
        count), ``git`` (commit, dirty flag, branch; None outside a repository) and ``env``
        (the thread and seed variables of :data:`ENVIRONMENT_VARIABLES` that are set).

    Examples
    --------
    >>> from mlgates import capture_environment
    >>> env = capture_environment()
    >>> sorted(env)[:4]
    ['blas', 'cpu_count', 'env', 'git']
    >>> env["packages"]["numpy"] > "1"
    True
    """
    names = dict.fromkeys([*PACKAGES, *packages])
    versions = {name: v for name in names if (v := _version(name)) is not None}
    return {
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "platform": platform.platform(),
        "system": platform.system(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "packages": versions,
        "blas": _blas(),
        "git": _git(Path(cwd) if cwd is not None else Path.cwd()),
        "env": {k: os.environ[k] for k in ENVIRONMENT_VARIABLES if k in os.environ},
    }


def comparable_environment(env: dict[str, Any]) -> dict[str, Any]:
    """The parts of an environment that can change results, flattened to ``key -> value``.

    The git state and the full platform string are recorded for the audit but not compared
    (a lock file committed to the repository changes the commit by construction).
    """
    flat: dict[str, Any] = {
        "python": env.get("python"),
        "implementation": env.get("implementation"),
        "system": env.get("system"),
        "machine": env.get("machine"),
    }
    for name, version in sorted((env.get("packages") or {}).items()):
        flat[f"packages.{name}"] = version
    for i, lib in enumerate(env.get("blas") or []):
        tag = lib.get("internal_api") or f"#{i}"
        flat[f"blas.{tag}.version"] = lib.get("version")
        flat[f"blas.{tag}.num_threads"] = lib.get("num_threads")
    for key, value in sorted((env.get("env") or {}).items()):
        flat[f"env.{key}"] = value
    return flat
