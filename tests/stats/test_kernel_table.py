"""The drift kernel table: one entry per kernel, agreeing with the module's documented table and
calling each function as the function itself would be called."""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest

from mlgates.stats import drift as kernels


def _documented() -> dict[str, tuple[str, bool]]:
    rows = {}
    for line in (kernels.__doc__ or "").splitlines():
        m = re.match(r"``(\w+)``\s+(.+?)\s+(yes|no)\s{2,}", line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3) == "yes")
    return rows


def test_every_kernel_is_documented_with_its_input_and_kind() -> None:
    documented = _documented()
    assert set(documented) == set(kernels.KERNELS)
    for name, k in kernels.KERNELS.items():
        text, pvalue = documented[name]
        assert k.name == name
        assert k.pvalue is pvalue, name
        assert ("counts" in text) is (k.input == "counts"), name


def test_flags_match_each_functions_signature() -> None:
    for name, k in kernels.KERNELS.items():
        params = inspect.signature(k.function).parameters
        assert ("presorted" in params) is k.presorted, name
        assert ("random_state" in params) is k.seeded, name
        assert getattr(kernels, name) is k.function, name


def test_views_are_derived_from_the_table() -> None:
    assert set(kernels.SAMPLE_KERNELS) | set(kernels.COUNT_KERNELS) == set(kernels.KERNELS)
    assert not set(kernels.SAMPLE_KERNELS) & set(kernels.COUNT_KERNELS)
    assert set(kernels.PVALUE_METHODS) | set(kernels.DISTANCE_METHODS) == set(kernels.KERNELS)
    assert {"wasserstein", "psi", "jensenshannon"} <= set(kernels.DISTANCE_METHODS)
    assert {"z", "fisher_exact"} == {n for n, k in kernels.KERNELS.items() if k.two_categories}


@pytest.mark.parametrize("name", list(kernels.KERNELS))
def test_calling_through_the_table_equals_calling_the_function(name: str) -> None:
    rng = np.random.default_rng(3)
    k = kernels.KERNELS[name]
    if k.input == "samples":
        a, b = np.sort(rng.normal(size=120)), np.sort(rng.normal(0.4, 1, size=90))
    elif k.two_categories:
        a, b = np.array([60.0, 40.0]), np.array([35.0, 55.0])
    else:
        a, b = np.array([30.0, 50.0, 20.0]), np.array([25.0, 40.0, 35.0])
    options = {}
    if k.presorted:
        options["presorted"] = True
    if k.seeded:
        options["random_state"] = 7
    direct = k.function(a, b, **options)
    via_table = k(a, b, presorted=True, random_state=7)
    assert via_table == direct
