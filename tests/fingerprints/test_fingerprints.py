"""Canonical fingerprints: normalizations, options, pins, estimators, configs, files."""

from __future__ import annotations

import datetime as dt
import struct
import sys
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgates import ParameterError, fingerprint, fingerprint_table

PREFIX = "mlg1-xxh3_128:"


def fp(obj, **kw):
    return fingerprint(obj, **kw)


# -- format ---------------------------------------------------------------------------------
def test_format_is_prefixed_and_128_bit():
    out = fp(pd.DataFrame({"a": [1]}))
    assert out.startswith(PREFIX)
    digest = out[len(PREFIX) :]
    assert len(digest) == 32 and int(digest, 16) >= 0


def test_bad_order_option_is_a_parameter_error():
    with pytest.raises(ParameterError, match="row_order"):
        fingerprint(pd.DataFrame({"a": [1]}), row_order="sorted")


# -- normalizations ----------------------------------------------------------------------------
def _nan_with_payload(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def test_negative_zero_equals_zero():
    assert fp(pd.DataFrame({"x": [0.0, 1.0]})) == fp(pd.DataFrame({"x": [-0.0, 1.0]}))
    assert fp(np.array([-0.0])) == fp(np.array([0.0]))
    assert fp({"a": -0.0}) == fp({"a": 0.0})


def test_nan_payloads_and_missing_markers_are_one_value():
    payloads = [np.nan, _nan_with_payload(0x7FF0000000000001), _nan_with_payload(0xFFF8000000000000)]
    assert len({struct.pack("<d", p) for p in payloads}) == 3  # really different bit patterns
    fps = {fp(pd.DataFrame({"x": [1.0, p]})) for p in payloads}
    fps.add(fp(pd.DataFrame({"x": pd.array([1.0, None], dtype="Float64")})))
    assert len(fps) == 1
    assert fp(pd.DataFrame({"x": [1.0, np.nan]}), row_order="insensitive") == fp(
        pd.DataFrame({"x": [1.0, payloads[2]]}), row_order="insensitive"
    )


def test_nan_differs_from_a_number():
    assert fp(pd.DataFrame({"x": [1.0, np.nan]})) != fp(pd.DataFrame({"x": [1.0, 0.0]}))


@pytest.mark.parametrize("unit", ["s", "ms", "us"])
def test_datetime_unit_does_not_matter(unit):
    values = pd.to_datetime(["2024-01-01 10:00:00", "2025-06-30 23:59:59", None])
    ns = pd.DataFrame({"t": values.astype("datetime64[ns]")})
    other = pd.DataFrame({"t": values.astype(f"datetime64[{unit}]")})
    assert fp(ns) == fp(other)


def test_timezone_aware_datetimes_compare_as_utc_instants():
    utc = pd.Series(pd.to_datetime(["2024-01-01 10:00"]).tz_localize("UTC"))
    paris = utc.dt.tz_convert("Europe/Paris")
    naive = utc.dt.tz_localize(None)
    assert fp(utc) == fp(paris)
    assert fp(utc) != fp(naive)  # naive wall time and an instant are different families


def test_datetime_value_change_is_seen():
    a = pd.DataFrame({"t": pd.to_datetime(["2024-01-01"])})
    b = pd.DataFrame({"t": pd.to_datetime(["2024-01-01 00:00:00.000000001"])})
    assert fp(a) != fp(b)


def test_categorical_category_order_and_unused_categories_do_not_matter():
    values = ["b", "a", None, "b"]
    a = pd.DataFrame({"c": pd.Categorical(values, categories=["a", "b"])})
    b = pd.DataFrame({"c": pd.Categorical(values, categories=["b", "a", "zzz"])})
    assert fp(a) == fp(b)
    assert fp(a, row_order="insensitive") == fp(b, row_order="insensitive")


def test_ordered_categorical_order_matters():
    values = ["lo", "hi"]
    a = pd.Series(pd.Categorical(values, categories=["lo", "hi"], ordered=True))
    b = pd.Series(pd.Categorical(values, categories=["hi", "lo"], ordered=True))
    assert fp(a) != fp(b)


def test_categorical_differs_from_string_column():
    assert fp(pd.Series(["a", "b"], dtype="category")) != fp(pd.Series(["a", "b"], dtype=object))


STRING_DTYPES = [
    object,
    "string",  # StringDtype("python"), pd.NA
    "string[pyarrow]",
    pd.StringDtype("pyarrow", na_value=np.nan),  # pandas 3 default "str"
    pd.ArrowDtype(pa.string()),
]


@pytest.mark.parametrize("dtype", STRING_DTYPES, ids=str)
def test_pandas2_object_strings_equal_pandas3_str_dtype(dtype):
    """pandas 2 stores strings as object; pandas 3 as the "str" dtype: same fingerprint."""
    object_strings = pd.DataFrame({"s": pd.Series(["é", None, "b", ""], dtype=object)})
    other = pd.DataFrame({"s": pd.Series(["é", None, "b", ""], dtype=dtype)})
    assert fp(other) == fp(object_strings)
    assert fp(other, row_order="insensitive") == fp(object_strings, row_order="insensitive")


def test_default_string_dtype_of_this_pandas_matches_object():
    inferred = pd.DataFrame({"s": ["x", "y"]})  # "str" on pandas 3, object on pandas 2
    assert fp(inferred) == fp(pd.DataFrame({"s": np.array(["x", "y"], dtype=object)}))


def test_empty_string_and_missing_differ():
    assert fp(pd.Series(["", "a"], dtype=object)) != fp(pd.Series([None, "a"], dtype=object))


@pytest.mark.parametrize("dtype", ["int8", "int32", "uint16", "uint64", "Int64", "UInt8", "int64[pyarrow]"])
def test_integer_widths_and_nullable_backends_agree_when_values_are_equal(dtype):
    assert fp(pd.DataFrame({"n": pd.Series([1, 2, 3], dtype=dtype)})) == fp(
        pd.DataFrame({"n": np.array([1, 2, 3], dtype=np.int64)})
    )


def test_nullable_int_with_missing_differs_from_zero_and_equals_arrow():
    with_na = pd.DataFrame({"n": pd.array([1, None], dtype="Int64")})
    assert fp(with_na) != fp(pd.DataFrame({"n": [1, 0]}))
    assert fp(with_na) == fp(pa.table({"n": pa.array([1, None], pa.int64())}))


def test_large_uint64_is_its_own_family():
    big = np.array([2**63 + 5], dtype=np.uint64)
    assert fp(big) != fp(np.array([5], dtype=np.int64))
    assert fingerprint_table(pd.DataFrame({"u": big})).families == {"u": "uint64"}


def test_bool_backends_agree_and_differ_from_ints():
    a = pd.DataFrame({"b": [True, False]})
    assert fp(a) == fp(pd.DataFrame({"b": pd.array([True, False], dtype="boolean")}))
    assert fp(a) != fp(pd.DataFrame({"b": [1, 0]}))


def test_float32_widened_exactly_int_and_float_differ():
    assert fp(np.array([0.5, 2.0], dtype=np.float32)) == fp(np.array([0.5, 2.0]))
    assert fp(pd.DataFrame({"x": [1, 2]})) != fp(pd.DataFrame({"x": [1.0, 2.0]}))


def test_column_names_and_values_matter_index_does_not():
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    assert fp(df) != fp(df.rename(columns={"a": "A"}))
    assert fp(df) == fp(df.set_axis([10, 20]))
    assert fp(df) != fp(df.iloc[:1])


def test_mixed_object_column_keeps_types_apart():
    a = pd.Series([1, "1", None], dtype=object)
    b = pd.Series(["1", 1, None], dtype=object)
    assert fp(a) != fp(b)
    assert fp(pd.Series([1, True], dtype=object)) != fp(pd.Series([1, 1], dtype=object))


# -- row and column order ----------------------------------------------------------------------
def _mixed(n=50, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "k": rng.integers(0, 5, n),
            "s": rng.choice(["a", "b", None], n),
            "c": pd.Categorical(rng.choice(["u", "v"], n)),
            "t": pd.to_datetime(rng.integers(0, 10**9, n), unit="s"),
            "z": rng.normal(size=n) + 1j,
        }
    )


def test_row_order_options():
    df = _mixed()
    shuffled = df.sample(frac=1.0, random_state=1)
    assert fp(df) != fp(shuffled)
    assert fp(df, row_order="insensitive") == fp(shuffled, row_order="insensitive")
    assert fp(df, row_order="insensitive") != fp(df)


def test_row_insensitive_counts_duplicates():
    df = pd.DataFrame({"a": [1, 1, 2]})
    assert fp(df, row_order="insensitive") != fp(pd.DataFrame({"a": [1, 2, 2]}), row_order="insensitive")


def test_row_insensitive_keeps_rows_together():
    """Swapping values between rows of one column changes the multiset of rows."""
    a = pd.DataFrame({"x": [1, 2], "y": [3, 4]})
    b = pd.DataFrame({"x": [1, 2], "y": [4, 3]})
    assert fp(a, row_order="insensitive") != fp(b, row_order="insensitive")


def test_column_order_options():
    df = _mixed()
    swapped = df[list(reversed(df.columns))]
    assert fp(df) != fp(swapped)
    assert fp(df, column_order="insensitive") == fp(swapped, column_order="insensitive")
    both = swapped.sample(frac=1.0, random_state=3)
    assert fp(df, row_order="insensitive", column_order="insensitive") == fp(
        both, row_order="insensitive", column_order="insensitive"
    )


def test_per_column_fingerprints_name_the_changed_column():
    df = _mixed()
    changed = df.copy()
    changed.loc[3, "k"] = 99
    for order in ("sensitive", "insensitive"):
        a, b = fingerprint_table(df, row_order=order), fingerprint_table(changed, row_order=order)
        assert b.changed_columns(a) == {"changed": ["k"], "added": [], "removed": []}
        assert a.fingerprint == fingerprint(df, row_order=order)
    assert fingerprint_table(df).families == {
        "x": "float",
        "k": "int",
        "s": "string",
        "c": "category",
        "t": "datetime",
        "z": "complex",
    }


def test_blocks_are_seamless():
    """Columns longer than one hashing block hash like one stream: a change in the last
    block and the first block are both seen."""
    from mlgates.fingerprints._tables import BLOCK

    x = np.arange(BLOCK * 2 + 7, dtype=np.float64)
    base = fp(x)
    for i in (0, BLOCK - 1, BLOCK, x.size - 1):
        y = x.copy()
        y[i] += 0.5
        assert fp(y) != base
        assert fp(y, row_order="insensitive") != fp(x, row_order="insensitive")


# -- pins ---------------------------------------------------------------------------------------
def _pinned_inputs():
    return {
        "numeric": pd.DataFrame({"a": [1, 2, 3], "b": [0.5, -0.0, np.nan]}),
        "strings": pd.DataFrame({"s": ["x", None, "ü"], "c": pd.Categorical(["p", "q", "p"])}),
        "datetimes": pd.DataFrame({"t": pd.to_datetime(["2020-01-01 00:00", None, "2021-05-05 12:00"])}),
        "array": np.arange(6, dtype=np.int32).reshape(2, 3),
        "config": {"lr": 0.1, "depth": 3, "features": ["a", "b"], "flag": True, "none": None},
    }


# PIN TEST: these values were computed once by this implementation (scheme mlg1) and written
# here on purpose. Any change to the canonical encoding (byte layout, normalizations, hash)
# must fail this test; that requires a new scheme version (mlg2) and a CHANGELOG entry.
PINNED = {
    "numeric": "mlg1-xxh3_128:b6245ffff3baaaf281bf8e14a1b979e6",
    "strings": "mlg1-xxh3_128:02dd5e834b510a284e37703242cab71f",
    "datetimes": "mlg1-xxh3_128:3c68e5af1bc4d50dbe4e4829e4b5866f",
    "array": "mlg1-xxh3_128:ba5facd791e595d2704e590ccfaa30a9",
    "config": "mlg1-xxh3_128:2890d213ac873aa3205b2e7516ce6b3f",
    "numeric_rows_insensitive": "mlg1-xxh3_128:0b881f146d6c01c9c1bd2939e5dfe2b0",
}


def test_pinned_fingerprints():
    inputs = _pinned_inputs()
    got = {name: fp(obj) for name, obj in inputs.items()}
    got["numeric_rows_insensitive"] = fp(inputs["numeric"], row_order="insensitive")
    assert got == PINNED


# -- estimators ----------------------------------------------------------------------------------
def _xy(seed=0, n=300):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    y = (x.a + rng.normal(size=n) > 0).astype(int)
    return x, y


@pytest.mark.parametrize("make", ["forest", "hgb", "pipeline"])
def test_estimator_fingerprint_stable_across_refits_and_seed_sensitive(make):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def build(seed):
        if make == "forest":
            return RandomForestClassifier(n_estimators=5, random_state=seed)
        if make == "hgb":
            return HistGradientBoostingClassifier(
                max_iter=15,
                early_stopping=True,
                validation_fraction=0.3,
                n_iter_no_change=2,
                random_state=seed,
            )
        return make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=5, random_state=seed))

    x, y = _xy()
    first, again, other = (fp(build(s).fit(x, y)) for s in (0, 0, 1))
    assert first == again
    assert first != other
    assert fp(build(0)) != first  # unfitted != fitted


def test_estimator_fitted_state_matters_not_only_params():
    from sklearn.linear_model import LogisticRegression

    x, y = _xy()
    a = LogisticRegression().fit(x, y)
    b = LogisticRegression().fit(x.iloc[:200], y.iloc[:200])
    assert fp(a) != fp(b)
    assert fp(LogisticRegression(C=1.0)) != fp(LogisticRegression(C=2.0))
    assert fp(LogisticRegression(C=1)) != fp(LogisticRegression(C=1.0))


# -- configs ---------------------------------------------------------------------------------------
def test_config_canonical_forms():
    assert fp({"a": 1, "b": {"c": [1, 2]}}) == fp({"b": {"c": [1, 2]}, "a": 1})
    assert fp((1, 2)) == fp([1, 2])
    assert len({fp(1), fp(1.0), fp(True), fp("1"), fp(None)}) == 5
    assert fp({1, 2, 3}) == fp({3, 2, 1})
    assert fp(np.int64(3)) != fp(3.0)
    assert fp({"n": np.int64(3), "b": np.bool_(True)}) == fp({"n": 3, "b": True})
    assert fp(dt.datetime(2024, 1, 1)) == fp(pd.Timestamp("2024-01-01"))
    assert fp(dt.datetime(2024, 1, 1)) != fp(dt.date(2024, 1, 1))
    assert fp({"when": dt.date(2024, 1, 1)}) != fp({"when": "2024-01-01"})
    assert fp({"x": np.arange(3)}) == fp({"x": np.arange(3)})
    assert fp({"x": np.arange(3)}) != fp({"x": np.arange(4)})
    assert fp(10**40) != fp(10**40 + 1)


def test_unencodable_object_is_a_clear_type_error():
    with pytest.raises(TypeError, match="cannot fingerprint"):
        fp({"lock": threading.Lock()})


def test_object_without_state_is_a_type_error():
    with pytest.raises(TypeError, match="object: it has no inspectable state.*Supported: tables"):
        fp(object())
    with pytest.raises(TypeError, match="cannot fingerprint cfg.sentinel of type object"):
        fp({"cfg": {"sentinel": object()}})

    class Empty:
        pass

    with pytest.raises(TypeError, match="of type Empty"):
        fp(Empty())
    stateful = Empty()
    stateful.x = 1
    assert fp(stateful).startswith(PREFIX)  # an attribute is state
    assert fp(range(3)) != fp(range(4))  # constructor arguments are state


def test_cycles_do_not_recurse_forever():
    a: list = [1]
    a.append(a)
    assert fp(a).startswith(PREFIX)


# -- files and directories -------------------------------------------------------------------
def test_file_by_content(tmp_path):
    f, g = tmp_path / "a.txt", tmp_path / "b.txt"
    f.write_bytes(b"hello")
    g.write_bytes(b"hello")
    assert fp(f) == fp(g)
    g.write_bytes(b"hellO")
    assert fp(f) != fp(g)
    assert fp(str(f)) != fp(f)  # a str is a string, not a path


def test_csv_files_by_table_content(tmp_path):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {"x": rng.normal(size=500), "n": rng.integers(0, 9, 500), "s": rng.choice(["a", "b"], 500)}
    )
    frame.loc[3, "x"] = np.nan
    frame.to_csv(tmp_path / "shortest.csv", index=False)
    frame.to_csv(tmp_path / "digits17.csv", index=False, float_format="%.17g", lineterminator="\r\n")
    frame.to_csv(tmp_path / "exp.csv.gz", index=False, float_format="%.20e")
    frame.to_csv(tmp_path / "tabs.tsv", index=False, sep="\t")
    assert (tmp_path / "shortest.csv").read_bytes() != (tmp_path / "digits17.csv").read_bytes()
    base = fp(tmp_path / "shortest.csv")
    assert base == fp(tmp_path / "digits17.csv") == fp(tmp_path / "exp.csv.gz") == fp(tmp_path / "tabs.tsv")
    assert base == fp(frame)  # the same table as the DataFrame it holds
    edited = frame.copy()
    edited.loc[7, "x"] = np.nextafter(edited.loc[7, "x"], np.inf)  # one ulp
    edited.to_csv(tmp_path / "edited.csv", index=False)
    assert fp(tmp_path / "edited.csv") != base
    table = fingerprint_table(pd.read_csv(tmp_path / "edited.csv"))
    assert table.changed_columns(fingerprint_table(frame)) == {"changed": ["x"], "added": [], "removed": []}
    # a .csv that is not a table (empty) is hashed by its bytes, it does not raise
    (tmp_path / "empty.csv").write_bytes(b"")
    assert fp(tmp_path / "empty.csv").startswith(PREFIX)


def test_directory_by_relative_paths_and_content(tmp_path):
    def tree(root: Path, name="a.txt", content=b"1"):
        (root / "sub").mkdir(parents=True)
        (root / "sub" / name).write_bytes(content)
        (root / "top.py").write_text("print(1)\n")
        return root

    base = fp(tree(tmp_path / "one"))
    assert fp(tree(tmp_path / "two")) == base
    assert fp(tree(tmp_path / "renamed", name="b.txt")) != base
    assert fp(tree(tmp_path / "edited", content=b"2")) != base
    noise = tree(tmp_path / "noise")
    (noise / "__pycache__").mkdir()
    (noise / "__pycache__" / "top.cpython-311.pyc").write_bytes(b"\x00")
    assert fp(noise) == base


def _pinned_tree(root: Path) -> Path:
    import os

    (root / "a").mkdir(parents=True)
    (root / "a" / "b.txt").write_bytes(b"b\n")
    (root / "a-c.txt").write_bytes(b"c\n")  # sorts before "a/b.txt": whole relative paths are sorted
    (root / "t.csv").write_text("x,y\n1,0.5\n2,\n")
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "m.pyc").write_bytes(b"\x00")
    (root / "m.pyc").write_bytes(b"\x00")
    (root / "empty").mkdir()
    os.symlink("a-c.txt", root / "link.txt")
    return root


@pytest.mark.skipif(sys.platform == "win32", reason="creating symlinks needs privileges on Windows")
def test_pinned_directory_fingerprint(tmp_path):
    # PIN: computed once with the os.walk implementation (scheme mlg1); a directory without
    # symlinked directories keeps its fingerprint under the walker that follows them
    assert fp(_pinned_tree(tmp_path / "t")) == "mlg1-xxh3_128:751d700184cacfeeeb729dfd09cf60b7"


@pytest.mark.skipif(sys.platform == "win32", reason="creating symlinks needs privileges on Windows")
def test_directory_follows_symlinked_directories_and_stops_at_loops(tmp_path):
    import os

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_text("1")
    proj = tmp_path / "proj"
    (proj / "sub").mkdir(parents=True)
    os.symlink("../../outside", proj / "sub" / "linked")
    os.symlink("..", proj / "sub" / "up")  # a loop
    before = fp(proj)
    (outside / "x.txt").write_text("2")
    assert fp(proj) != before  # content behind the symlinked directory counts
    copy = tmp_path / "copy"
    (copy / "sub" / "linked").mkdir(parents=True)
    (copy / "sub" / "linked" / "x.txt").write_text("2")
    os.symlink("..", copy / "sub" / "up")
    assert fp(copy) == fp(proj)  # a link to a directory hashes like the directory copied in
    os.unlink(copy / "sub" / "up")
    os.symlink(".", copy / "sub" / "up")  # another loop: its link text is hashed
    assert fp(copy) != fp(proj)


def test_parquet_files_hash_their_table_not_the_writer_bytes(tmp_path):
    df = _mixed(200).drop(columns=["z"])
    snappy, zstd = tmp_path / "a.parquet", tmp_path / "b.parquet"
    df.to_parquet(snappy, compression="snappy")
    df.to_parquet(zstd, compression="zstd", row_group_size=50)
    assert snappy.read_bytes() != zstd.read_bytes()
    assert fp(snappy) == fp(zstd) == fp(df)


def test_missing_path_raises():
    with pytest.raises(FileNotFoundError):
        fp(Path("/nonexistent/definitely/not"))


# -- arrays and arrow ----------------------------------------------------------------------------
def test_array_layout_and_shape():
    a = np.arange(12.0).reshape(3, 4)
    assert fp(a) == fp(np.asfortranarray(a))
    assert fp(a) != fp(a.reshape(4, 3))
    assert fp(a, row_order="insensitive") == fp(a[::-1], row_order="insensitive")


def test_structured_arrays_ignore_padding():
    dtype = np.dtype({"names": ["a", "b"], "formats": ["<i8", "u1"], "itemsize": 16})
    x = np.zeros(2, dtype=dtype)
    y = np.zeros(2, dtype=dtype)
    y.view(np.uint8).reshape(2, 16)[:, 9:] = 7  # garbage in the padding bytes only
    assert fp(x) == fp(y)


def test_arrow_table_equals_pandas_frame():
    df = pd.DataFrame(
        {
            "i": [1, 2],
            "f": [0.5, None],
            "s": ["a", None],
            "t": pd.to_datetime(["2024-01-01", None]).as_unit("us"),
        }
    )
    assert fp(pa.Table.from_pandas(df, preserve_index=False)) == fp(df)


# -- properties -------------------------------------------------------------------------------
_cells = st.one_of(st.integers(-5, 5), st.none())


@st.composite
def frames(draw):
    n = draw(st.integers(1, 12))
    ints = draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n))
    floats = draw(
        st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64)), min_size=n, max_size=n)
    )
    strs = draw(st.lists(st.one_of(st.none(), st.text(max_size=3)), min_size=n, max_size=n))
    return pd.DataFrame({"i": ints, "f": floats, "s": pd.Series(strs, dtype=object)})


@settings(max_examples=60, deadline=None)
@given(frames(), st.randoms(use_true_random=False))
def test_property_row_permutation_invariance(df, rnd):
    order = list(range(len(df)))
    rnd.shuffle(order)
    assert fp(df.iloc[order], row_order="insensitive") == fp(df, row_order="insensitive")


@settings(max_examples=60, deadline=None)
@given(frames(), st.data())
def test_property_any_single_cell_change_is_seen(df, data):
    row = data.draw(st.integers(0, len(df) - 1))
    col = data.draw(st.sampled_from(["i", "f", "s"]))
    changed = df.copy()
    old = df[col].iloc[row]
    if col == "i":
        new = int(old) + data.draw(st.integers(1, 5))
    elif col == "f":
        new = data.draw(
            st.floats(allow_nan=True, width=64).filter(lambda v: not (v == old or (v != v and old != old)))
        )
    else:
        new = data.draw(st.one_of(st.none(), st.text(max_size=3)).filter(lambda v: v != old))
    changed[col] = changed[col].astype(object) if col == "s" else changed[col]
    changed.iloc[row, df.columns.get_loc(col)] = new
    if col == "f" and (new == 0.0 and old == 0.0):
        return  # -0.0 and 0.0 are the same value by design
    for order in ("sensitive", "insensitive"):
        assert fp(changed, row_order=order) != fp(df, row_order=order)
        assert fingerprint_table(changed, row_order=order).changed_columns(
            fingerprint_table(df, row_order=order)
        )["changed"] == [col]


def test_string_encoding_without_arrow_matches_arrow(monkeypatch):
    """The pure-Python fallback (no pyarrow, or lone surrogates) produces the same bytes."""
    df = pd.DataFrame({"s": pd.Series(["é", None, "", "abc" * 10], dtype=object)})
    with_arrow = {o: fp(df, row_order=o) for o in ("sensitive", "insensitive")}
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.compute", None)
    assert {o: fp(df, row_order=o) for o in ("sensitive", "insensitive")} == with_arrow


def test_lone_surrogates_are_hashed_not_rejected():
    a = pd.DataFrame({"s": pd.Series(["x\ud800", "y"], dtype=object)})
    b = pd.DataFrame({"s": pd.Series(["x\ud801", "y"], dtype=object)})
    assert fp(a) != fp(b)
    assert fp(a, row_order="insensitive") != fp(b, row_order="insensitive")


def test_string_blocks_are_seamless():
    from mlgates.fingerprints._tables import BLOCK

    s = pd.Series([f"v{i % 997}" for i in range(BLOCK + 100)], dtype=object)
    shuffled = s.sample(frac=1.0, random_state=0)
    assert fp(s, row_order="insensitive") == fp(shuffled, row_order="insensitive")
    changed = s.copy()
    changed.iloc[BLOCK + 5] = "other"
    assert fp(changed) != fp(s)
    assert fp(changed, row_order="insensitive") != fp(s, row_order="insensitive")


def test_empty_and_degenerate_tables():
    df = _mixed(5)
    empty = df.iloc[:0]
    for order in ("sensitive", "insensitive"):
        assert fp(empty, row_order=order) != fp(df, row_order=order)
        assert fp(empty, row_order=order) != fp(empty[["x"]], row_order=order)
    assert fp(pd.DataFrame()) != fp(pd.DataFrame(index=range(3)))  # rows without columns still count
    dup = pd.DataFrame([[1, 2]], columns=["a", "a"])
    assert set(fingerprint_table(dup).columns) == {"a", "a#1"}
    assert fp(dup) != fp(pd.DataFrame([[2, 1]], columns=["a", "a"]))


def test_out_of_range_datetimes_are_a_clear_error():
    far = pd.Series(np.array(["3000-01-01"], dtype="datetime64[s]"))
    with pytest.raises(ValueError, match="nanosecond range"):
        fp(far)
    with pytest.raises(ValueError, match="nanosecond range"):
        fp(pd.Series(np.array([10**12], dtype="timedelta64[s]")))


def test_arrow_views_arrays_and_dictionaries():
    """polars writes string views; pyarrow arrays are Series; dictionaries are Categoricals."""
    view = pa.array(["x", None, "yz"], type=pa.string_view())
    as_pandas = pd.Series(["x", None, "yz"])
    assert fp(pa.table({"s": view})) == fp(as_pandas.to_frame("s"))
    assert fp(view) == fp(pa.chunked_array([view])) == fp(as_pandas)
    dictionary = pa.table({"d": pa.array(["a", "b", "a"]).dictionary_encode()})
    assert fp(dictionary) == fp(pd.DataFrame({"d": pd.Categorical(["a", "b", "a"])}))
    assert fp(pd.Categorical(["a"])) == fp(pd.Series(pd.Categorical(["a"])))


def test_inputs_are_not_mutated():
    x = np.array([-0.0, _nan_with_payload(0xFFF8000000000001), 1.0])
    df = pd.DataFrame({"x": x.copy(), "n": pd.array([1, None, 3], dtype="Int64"), "s": ["a", None, "b"]})
    before = df["x"].to_numpy().view(np.uint64).copy()
    for order in ("sensitive", "insensitive"):
        fp(df, row_order=order)
        fp(x, row_order=order)
    assert np.array_equal(df["x"].to_numpy().view(np.uint64), before)
    assert np.array_equal(x.view(np.uint64), before)
    assert df["n"].isna().tolist() == [False, True, False]


def test_polars_frames_equal_the_pandas_frames_they_hold():
    import polars as pl

    frame = pl.DataFrame(
        {
            "i": [1, None, 3],
            "f": [0.5, None, -0.0],
            "s": ["a", None, "c"],
            "b": [True, False, None],
            "t": [dt.datetime(2024, 1, 1), None, dt.datetime(2025, 1, 1)],
            "c": pl.Series(["x", "y", "x"], dtype=pl.Categorical),
        }
    )
    pandas = pd.DataFrame(
        {
            "i": pd.array([1, None, 3], dtype="Int64"),
            "f": [0.5, np.nan, 0.0],
            "s": ["a", None, "c"],
            "b": pd.array([True, False, None], dtype="boolean"),
            "t": pd.to_datetime(["2024-01-01", None, "2025-01-01"]),
            "c": pd.Categorical(["x", "y", "x"]),
        }
    )
    assert fingerprint_table(frame) == fingerprint_table(pandas)
    assert fp(frame.lazy()) == fp(pandas)
    assert fp(frame["s"]) == fp(pandas["s"])


def test_sliced_and_chunked_arrow_strings():
    s = pd.Series([f"v{i}" if i % 3 else None for i in range(100)], dtype="string[pyarrow]")
    o = s.astype(object)
    for part in (slice(5, 10), slice(50, 100), slice(0, 1)):
        for order in ("sensitive", "insensitive"):
            assert fp(s.iloc[part], row_order=order) == fp(o.iloc[part], row_order=order)
    assert fp(pd.concat([s.iloc[:50], s.iloc[50:]])) == fp(s)


class _Slotted:
    __slots__ = ("a",)

    def __init__(self, a):
        self.a = a


class _Plain:
    def __init__(self, a):
        self.a = a


def test_custom_objects_by_state():
    assert fp(_Slotted(1)) == fp(_Slotted(1)) != fp(_Slotted(2))
    assert fp(_Plain([1, 2])) == fp(_Plain([1, 2])) != fp(_Plain([1, 3]))
    assert fp(_Plain(1)) != fp(_Slotted(1))  # the class is part of the value
