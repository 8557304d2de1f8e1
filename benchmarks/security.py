"""Security audits vs their peers, in one process on one corpus built here.

1. Artifact scanners on a corpus of benign scikit-learn artifacts (pickle protocols, joblib with
   every compressor) and malicious ones (``__reduce__ -> os.system`` in pickle and in joblib
   with every compressor; INST; memo confusion; importlib/getattr chains; a module name built
   at load time with ``_codecs.encode``; a dotted name; an object .npy; a joblib array whose
   bytes are opcodes for pickle.load; truncated, concatenated and trailing-byte streams).
   Peers, when importable: picklescan, modelscan, fickling. Nothing is ever loaded: the
   payloads are only scanned. Outcomes: ``flag`` (reported unsafe), ``err`` (the scanner
   failed without a verdict), ``ok`` (reported clean).
2. Scan time per MB of a joblib random forest (uncompressed and gzip), every scanner.
3. SensitiveDataGate on 1M rows x 10 string columns (repetitive values: the unique-value
   path), and Presidio's pattern recognizers (email, card, IBAN, SSN, phone, IP) on a sample of
   cells of the same table, extrapolated per cell, when presidio-analyzer is importable.

Run: ``python benchmarks/security.py [--rows 1000000] [--presidio-cells 2000]``.
Peers: ``pip install mlgates[bench]`` (picklescan, modelscan, fickling, presidio-analyzer).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import importlib.util
import io
import logging
import os
import pickle
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from mlgates import Allowlist, SensitiveDataGate
from mlgates.gates.security._scan import scan_artifact

SKLEARN = Allowlist.preset("sklearn")


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def _sbu(text: str) -> bytes:
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data


def _glob(module: str, name: str) -> bytes:
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


CALL = _sbu("echo pwned") + b"\x85R."


def build_corpus(folder: Path, bomb_mib: int = 256) -> dict[str, tuple[Path, bool]]:
    """name -> (path, is_malicious); the bomb holds ``bomb_mib`` MiB of zeros (and claims 4 GiB)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    rng = np.random.default_rng(0)
    x = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200), "c": rng.choice(["u", "v"], 200)})
    y = (x["a"] > 0).astype(int)
    prep = ColumnTransformer([("n", StandardScaler(), ["a", "b"]), ("c", OneHotEncoder(), ["c"])])
    pipe = make_pipeline(prep, LogisticRegression()).fit(x, y)
    forest = make_pipeline(prep, RandomForestClassifier(n_estimators=20, random_state=0)).fit(x, y)
    out: dict[str, tuple[Path, bool]] = {}

    def put(name: str, data: bytes, bad: bool) -> None:
        path = folder / name
        path.write_bytes(data)
        out[name] = (path, bad)

    for proto in (2, 4, 5):
        put(f"benign_pipeline_p{proto}.pkl", pickle.dumps(pipe, protocol=proto), False)
    for comp in (None, "zlib", "gzip", "bz2", "lzma", "xz"):
        name = f"benign_forest_{comp or 'raw'}.joblib"
        joblib.dump(forest, folder / name, compress=(comp, 3) if comp else 0)
        out[name] = (folder / name, False)
        bad = f"evil_reduce_{comp or 'raw'}.joblib"
        joblib.dump({"model": pipe, "x": Evil()}, folder / bad, compress=(comp, 3) if comp else 0)
        out[bad] = (folder / bad, True)
    put("evil_reduce.pkl", pickle.dumps(Evil(), protocol=4), True)
    put("evil_inst.pkl", b"(S'echo pwned'\nios\nsystem\n.", True)
    put(
        "evil_memo_confusion.pkl",
        b"\x80\x04" + _sbu("collections") + b"\x94" + b"0" + _sbu("OrderedDict") + b"\x94" + b"0"
        + _sbu("os") + b"q\x00" + b"0" + _sbu("system") + b"q\x01" + b"0" + b"h\x00h\x01\x93" + CALL,
        True,
    )  # fmt: skip
    put(
        "evil_importlib_getattr.pkl",
        b"\x80\x02" + _glob("builtins", "getattr") + _glob("importlib", "import_module") + _sbu("os")
        + b"\x85R" + _sbu("system") + b"\x86R" + CALL,
        True,
    )  # fmt: skip
    put(
        "evil_codecs_rot13.pkl",
        b"\x80\x04" + _glob("_codecs", "encode") + _sbu("bf") + _sbu("rot13") + b"\x86R" + _sbu("system")
        + b"\x93" + CALL,
        True,
    )  # fmt: skip
    put("evil_dotted_numpy.pkl", b"\x80\x04" + _sbu("numpy") + _sbu("sys.modules") + b"\x93.", True)
    buf = io.BytesIO()
    np.save(buf, np.array([Evil()], dtype=object), allow_pickle=True)
    put("evil_object.npy", buf.getvalue(), True)

    class NoTell:
        def __init__(self, fh):
            self.fh = fh

        def write(self, b):
            return self.fh.write(b)

        def tell(self):
            raise io.UnsupportedOperation

    hidden = _glob("os", "system") + b"(S'echo pwned'\ntR."
    with open(folder / "evil_polyglot.joblib", "wb") as fh:
        joblib.dump({"w": np.frombuffer(hidden, dtype=np.uint8)}, NoTell(fh), protocol=2)
    out["evil_polyglot.joblib"] = (folder / "evil_polyglot.joblib", True)
    clean = pickle.dumps([1, 2, 3], protocol=4)
    put("evil_concatenated.pkl", clean + pickle.dumps(Evil(), protocol=4), True)
    put("evil_trailing_opcodes.pkl", clean + b"cos\nsystem\n", True)
    put("broken_truncated.pkl", pickle.dumps(pipe, protocol=4)[:-20], True)
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = comp.compress(b"\x80\x04\x8e" + (1 << 32).to_bytes(8, "little")) + b"".join(
        comp.compress(bytes(1 << 20)) for _ in range(bomb_mib)
    )
    put("bomb_gzip.joblib", bomb + comp.flush(), True)
    return out


# -- scanners: each returns "flag", "err" or "ok" -------------------------------------------------
def scan_mlgates(path: Path) -> str:
    report = scan_artifact(path, SKLEARN, max_decompressed_bytes=1 << 28)
    return "ok" if report.clean and report.format not in ("unknown", "zip") else "flag"


def scan_picklescan(path: Path) -> str:
    from picklescan.scanner import scan_file_path

    result = scan_file_path(str(path))
    if result.infected_files or result.issues_count:
        return "flag"
    return "err" if result.scan_err else "ok"


def scan_modelscan(path: Path) -> str:
    from modelscan.modelscan import ModelScan
    from modelscan.settings import DEFAULT_SETTINGS

    with contextlib.redirect_stdout(io.StringIO()):
        result = ModelScan(settings=DEFAULT_SETTINGS).scan(str(path))
    if result["summary"]["total_issues"]:
        return "flag"
    return "err" if result.get("errors") else "ok"


def scan_fickling(path: Path) -> str:
    import fickling

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return "ok" if fickling.is_likely_safe(str(path)) else "flag"
    except Exception:
        return "err"


def scanners() -> dict[str, Callable[[Path], str]]:
    out: dict[str, Callable[[Path], str]] = {"mlgates": scan_mlgates}
    for name, fn in (
        ("picklescan", scan_picklescan),
        ("modelscan", scan_modelscan),
        ("fickling", scan_fickling),
    ):
        if importlib.util.find_spec(name) is not None:
            out[name] = fn
        else:
            print(f"({name} not installed: skipped)")
    return out


def corpus_table(corpus: dict[str, tuple[Path, bool]], tools: dict[str, Callable[[Path], str]]) -> None:
    print("\n## artifact scanners on the corpus (flag = reported unsafe, err = no verdict, ok = clean)\n")
    names = list(tools)
    print("| file | malicious | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    tally = {n: collections.Counter() for n in names}
    for name, (path, bad) in corpus.items():
        row = []
        for tool, fn in tools.items():
            outcome = fn(path)
            row.append(outcome)
            if bad:
                tally[tool][
                    "detected" if outcome == "flag" else "missed_err" if outcome == "err" else "missed"
                ] += 1
            else:
                tally[tool]["clean_ok" if outcome == "ok" else "false_alarm"] += 1
        print(f"| {name} | {'yes' if bad else 'no'} | " + " | ".join(row) + " |")
    n_bad = sum(b for _, b in corpus.values())
    n_good = len(corpus) - n_bad
    print("\n| scanner | malicious flagged | malicious missed (reported clean) | malicious: scanner error | "
          "benign passed | benign false alarms |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for tool in names:
        t = tally[tool]
        print(
            f"| {tool} | {t['detected']}/{n_bad} | {t['missed']} | {t['missed_err']} | "
            f"{t['clean_ok']}/{n_good} | {t['false_alarm']} |"
        )


def scan_speed(folder: Path, tools: dict[str, Callable[[Path], str]]) -> None:
    from sklearn.ensemble import RandomForestClassifier

    rng = np.random.default_rng(0)
    x = rng.normal(size=(20_000, 20))
    y = (x[:, 0] + rng.normal(size=20_000) > 0).astype(int)
    forest = RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1).fit(x, y)
    print("\n## scan time per MB of joblib artifact (random forest, 100 trees)\n")
    print(
        "| file | MB on disk | MB decompressed | "
        + " | ".join(f"{t} s (rate, outcome)" for t in tools)
        + " |"
    )
    print("|---|---|---|" + "---|" * len(tools))
    for comp in (None, "gzip"):
        path = folder / f"forest_{comp or 'raw'}.joblib"
        joblib.dump(forest, path, compress=(comp, 3) if comp else 0)
        mb = path.stat().st_size / 1e6
        raw_mb = scan_artifact(path, SKLEARN, max_decompressed_bytes=1 << 31).n_bytes / 1e6
        cells = []
        for fn in tools.values():
            start = time.perf_counter()
            outcome = fn(path)
            secs = time.perf_counter() - start
            cells.append(f"{secs:.3f} ({raw_mb / secs:.0f} MB/s, {outcome})")
        print(f"| {path.name} | {mb:.1f} | {raw_mb:.1f} | " + " | ".join(cells) + " |")


def string_table(rows: int, seed: int = 0) -> pd.DataFrame:
    """10 string columns; values drawn from pools of 2,000 strings, a few holding personal data."""
    rng = np.random.default_rng(seed)
    words = np.array(["alpha", "beta", "gamma", "delta", "order", "shipped", "pending", "ok", "note", "ref"])
    cols = {}
    for j in range(10):
        pool = [f"{words[k % 10]} {k} item-{j}" for k in range(2000)]
        if j == 0:
            pool[:20] = [f"user{k}@example.com" for k in range(20)]
        if j == 1:
            pool[:10] = ["call +1 415 555 2671", "4111 1111 1111 1111", *[f"v1.2.{k}.4" for k in range(8)]]
        cols[f"s{j}"] = pd.Series(
            np.array(pool, dtype=object)[rng.integers(0, len(pool), rows)], dtype=object
        )
    return pd.DataFrame(cols)


def sensitive_speed(rows: int, presidio_cells: int) -> None:
    from mlgates.core.context import CheckContext

    frame = string_table(rows)
    gate = SensitiveDataGate()
    gate.check(current=frame.head(1000))  # warm-up
    start = time.perf_counter()
    verdict = gate.check(current=frame)
    total = time.perf_counter() - start
    start = time.perf_counter()
    gate._check(CheckContext({"current": frame}))  # the gate's own work, without verdict provenance
    secs = time.perf_counter() - start
    cells = rows * frame.shape[1]
    print(f"\n## SensitiveDataGate on {rows:,} rows x {frame.shape[1]} string columns\n")
    print(f"mlgates detectors (unique-value path): {secs:.2f} s ({cells / secs / 1e6:.1f} M cells/s); "
          f"whole check() incl. the input fingerprint in provenance: {total:.2f} s; status {verdict.status.value}, "
          f"columns flagged: {[f.subject for f in verdict.findings if f.status.value == 'fail']}")  # fmt: skip
    unique = pd.DataFrame({"contact": [f"user{i}@example.com" for i in range(200_000)]})
    start = time.perf_counter()
    gate._check(CheckContext({"current": unique}))
    high = time.perf_counter() - start
    print(f"high cardinality (200,000 distinct emails in one column): {high:.2f} s "
          f"({len(unique) / high / 1e3:.0f} k values/s)")  # fmt: skip
    if importlib.util.find_spec("presidio_analyzer") is None:
        print("presidio-analyzer not installed: pip install presidio-analyzer (about 390 MB with spaCy)")
        return
    logging.disable(logging.CRITICAL)  # tldextract tries to download the public suffix list
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
        UsSsnRecognizer,
    )

    recognizers = [EmailRecognizer(), CreditCardRecognizer(), IbanRecognizer(), UsSsnRecognizer(),
                   PhoneRecognizer(), IpRecognizer()]  # fmt: skip
    sample = frame.to_numpy().ravel()[:presidio_cells]
    start = time.perf_counter()
    for text in sample:
        for rec in recognizers:
            rec.analyze(str(text), entities=rec.supported_entities, nlp_artifacts=None)
    per_cell = (time.perf_counter() - start) / len(sample)
    print(f"presidio pattern recognizers: {per_cell * 1e6:.0f} us per cell on {len(sample):,} cells; "
          f"{per_cell * cells:.0f} s extrapolated to {cells:,} cells = {per_cell * cells / secs:.0f}x mlgates")  # fmt: skip
    # and per unique value (what the unique-value path would give Presidio)
    uniques = sum(frame[c].nunique() for c in frame.columns)
    print(f"  (with mlgates' unique-value path, Presidio would scan {uniques:,} values: "
          f"~{per_cell * uniques:.1f} s)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--presidio-cells", type=int, default=2000)
    args = parser.parse_args()
    tools = scanners()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus_table(build_corpus(folder), tools)
        scan_speed(folder, tools)
    sensitive_speed(args.rows, args.presidio_cells)


if __name__ == "__main__":
    main()
