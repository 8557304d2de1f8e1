"""SecretsGate: credentials (private keys, cloud access keys, API tokens, JWTs, high-entropy
values assigned to password/token keys) in text columns, config files and model artifacts.
Every reported value is masked."""

from __future__ import annotations

import base64
import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from mlgates.core.context import CheckContext
from mlgates.core.errors import InputError
from mlgates.core.finding import Finding
from mlgates.core.gate import Gate
from mlgates.core.params import Interval
from mlgates.core.status import Status
from mlgates.core.verdict import Verdict

__all__ = ["SecretsGate", "find_secrets", "shannon_entropy"]

#: (kind, pattern, number of leading characters that are a public prefix and stay visible)
_TOKEN_RULES: tuple[tuple[str, str, int], ...] = (
    ("private_key", r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----", -1),
    ("aws_access_key_id", r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])", 4),
    ("google_api_key", r"(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])", 4),
    ("github_token", r"(?<![\w])(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})", 4),
    ("gitlab_token", r"(?<![\w-])glpat-[A-Za-z0-9_-]{20,}", 6),
    ("slack_token", r"(?<![\w-])xox[abposr]-[A-Za-z0-9-]{10,}", 5),
    ("stripe_key", r"(?<![\w])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}", 8),
    ("openai_key", r"(?<![\w-])sk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}", 3),
    ("huggingface_token", r"(?<![\w])hf_[A-Za-z0-9]{30,}", 3),
    ("npm_token", r"(?<![\w])npm_[A-Za-z0-9]{36}(?![\w])", 4),
    ("pypi_token", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", 5),
    ("azure_storage_key", r"AccountKey=[A-Za-z0-9+/]{86}==", 11),
    ("jwt", r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}", 3),
)
_TOKENS = [(kind, re.compile(p), keep) for kind, p, keep in _TOKEN_RULES]
_ASSIGNED = re.compile(
    r"(?i)(?<![a-z])(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|auth[_-]?key|credentials?|"
    r"client[_-]?secret)[\w.-]{0,20}[\"']?[ \t]*(?::|=|:=|=>)[ \t]*[\"']?([^\s\"'`,;]{8,200})"
)
_PLACEHOLDER = re.compile(
    r"(?i)^(?:[$%{<\[(*#]|.*(?:example|changeme|redacted|placeholder|your[_-]|xxxx|\*\*\*\*)|"
    r"(?:none|null|true|false|secret|password|token)$)"
)


def shannon_entropy(text: str) -> float:
    """Bits per character of ``text``'s character distribution.

    >>> round(shannon_entropy("aaaa"), 2), round(shannon_entropy("abcd"), 2)
    (0.0, 2.0)
    """
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def _jwt_ok(token: str) -> bool:
    head = token.split(".", 1)[0]
    try:
        data = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, TypeError):
        return False
    return isinstance(data, dict) and "alg" in data


def _masked(text: str, keep: int) -> str:
    if keep < 0:
        return text  # a private-key header is not itself secret
    return text[:keep] + "****"


def find_secrets(text: str, *, min_entropy: float = 3.0) -> Iterator[tuple[str, int, str]]:
    """``(kind, offset, masked value)`` for each credential in ``text``.

    Examples
    --------
    >>> [k for k, _, _ in find_secrets("aws_access_key_id = AKIAIOSFODNN7EXAMPLE")]
    ['aws_access_key_id']
    >>> list(find_secrets("password = ${DB_PASSWORD}"))
    []
    >>> list(find_secrets("password: Xk9#mP2$vL7qR4wz"))
    [('assigned_secret', 0, 'password=X****')]
    """
    spans: list[tuple[int, int]] = []
    for kind, pattern, keep in _TOKENS:
        for m in pattern.finditer(text):
            if kind == "jwt" and not _jwt_ok(m.group()):
                continue
            spans.append(m.span())
            yield kind, m.start(), _masked(m.group(), keep)
    for m in _ASSIGNED.finditer(text):
        value = m.group(2)
        a, b = m.span(2)
        if any(x < b and a < y for x, y in spans) or _PLACEHOLDER.match(value):
            continue
        classes = sum(bool(re.search(p, value)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
        if classes < 2 or shannon_entropy(value) < min_entropy:
            continue
        yield "assigned_secret", m.start(), f"{m.group(1).lower()}={value[:1]}****"


_TEXT_SUFFIXES = (
    ".env", ".ini", ".cfg", ".conf", ".toml", ".yaml", ".yml", ".json", ".txt", ".py", ".sh", ".properties",
    ".md", ".csv", ".tsv", ".xml", ".r", ".ipynb",
)  # fmt: skip


class SecretsGate(Gate):
    """No credentials in text columns, config files or model artifacts.

    Detects private-key headers, cloud access-key formats (AWS, Google, Azure storage),
    common token prefixes (GitHub, GitLab, Slack, Stripe, OpenAI-style, Hugging Face, npm,
    PyPI), JSON Web Tokens (their header must decode to JSON with ``alg``) and high-entropy
    values assigned to keys like ``password``, ``secret``, ``token``, ``api_key``
    (placeholders such as ``${VAR}`` or ``changeme`` are skipped). Values are masked in every
    output (``AKIA****``, ``password=X****``).

    Parameters
    ----------
    columns : str or list of str, optional
        Text columns of ``current`` to scan (all text columns by default).
    min_entropy : float, default 3.0
        Bits per character an assigned value needs to count as a secret.
    max_file_bytes : int, default 2**28
        Bytes read from each file (after decompression for compressed pickles); the rest of
        a larger file is not scanned and the finding says so (WARN ``scan_truncated``).
    name, blocking
        See :class:`~mlgates.Gate`.

    Notes
    -----
    Inputs: ``current`` (a table) and/or ``artifacts`` (paths or folders; folders are
    searched for config, text and artifact files). Reason codes: ``secret_detected`` (FAIL),
    ``scan_truncated`` (WARN), ``missing_file`` (ERROR), ``missing_input`` (ERROR: neither
    input given).

    Examples
    --------
    >>> import pandas as pd
    >>> from mlgates import SecretsGate
    >>> df = pd.DataFrame({"log": ["login ok", "key AKIAIOSFODNN7EXAMPLE used", "retry"]})
    >>> v = SecretsGate().check(current=df)
    >>> v.status, v.findings[0].message
    (<Status.FAIL: 'fail'>, 'log: 1 credential in 1 of 3 rows (aws_access_key_id: 1); e.g. AKIA****')
    """

    extra_inputs: ClassVar[tuple[str, ...]] = ("artifacts",)
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "columns": ["columns", None],
        "min_entropy": [Interval("real", 0, 8)],
        "max_file_bytes": [Interval("int", 1, None)],
    }

    def __init__(
        self,
        *,
        columns: str | Sequence[str] | None = None,
        min_entropy: float = 3.0,
        max_file_bytes: int = 2**28,
        name: str | None = None,
        blocking: bool = True,
    ) -> None:
        super().__init__(name=name, blocking=blocking)
        self.columns = columns
        self.min_entropy = min_entropy
        self.max_file_bytes = max_file_bytes

    def _check(self, ctx: CheckContext) -> Verdict:
        if not ctx.has("current") and not ctx.has("artifacts"):
            raise InputError(
                "missing input 'current' or 'artifacts': pass check(current=...) for text columns or "
                "check(artifacts=...) for files",
                reason="missing_input",
            )
        findings: list[Finding] = []
        if ctx.has("current"):
            findings += self._columns(ctx)
        if ctx.has("artifacts"):
            findings += self._files(ctx.get("artifacts"))
        n = sum(f.status is Status.FAIL for f in findings)
        return self._verdict(findings=findings, metrics={"n_sources_with_secrets": n})

    # -- tables ---------------------------------------------------------------------------
    def _columns(self, ctx: CheckContext) -> list[Finding]:
        import pandas as pd

        from mlgates.gates.security.sensitive import _duplicate, _is_text

        frame = ctx.frame("current")
        if len(frame) == 0:
            raise InputError("current: the table has no rows", reason="empty_input", subject="current")
        if self.columns is not None:
            cols = [self.columns] if isinstance(self.columns, str) else list(self.columns)
            for col in cols:
                ctx.column("current", col)
        else:
            cols = list(dict.fromkeys(frame.columns))
        duplicated = set(frame.columns[frame.columns.duplicated()])
        out = []
        for col in cols:
            if col in duplicated:
                out.append(_duplicate(col))
                continue
            if self.columns is None and not _is_text(frame[col]):
                continue
            values = frame[col].dropna()
            codes, uniques = pd.factorize(values.astype(str))
            counts = Counter(codes.tolist()) if len(uniques) < len(codes) else None
            kinds: Counter[str] = Counter()
            examples: list[str] = []
            rows = 0
            for i, value in enumerate(uniques):
                found = list(find_secrets(str(value), min_entropy=self.min_entropy))
                if not found:
                    continue
                weight = counts[i] if counts is not None else 1
                rows += weight
                for kind, _, shown in found:
                    kinds[kind] += weight
                    if len(examples) < 3 and shown not in examples:
                        examples.append(shown)
            out.append(self._finding(str(col), kinds, examples, f"{rows:,} of {len(values):,} rows"))
        return out

    # -- files ----------------------------------------------------------------------------
    def _files(self, value: Any) -> list[Finding]:
        out = []
        for label, path in self._paths(value):
            if not path.is_file():
                out.append(
                    Finding(label, Status.ERROR, reason="missing_file", message=f"{label}: no such file")
                )
                continue
            kinds: Counter[str] = Counter()
            examples: list[str] = []
            where: list[str] = []
            truncated = False
            for chunk, base, is_text, cut in self._chunks(path):
                truncated = truncated or cut
                for kind, offset, shown in find_secrets(chunk, min_entropy=self.min_entropy):
                    kinds[kind] += 1
                    if len(examples) < 3 and shown not in examples:
                        examples.append(shown)
                    if len(where) < 5:
                        where.append(
                            f"line {chunk.count(chr(10), 0, offset) + 1}"
                            if is_text
                            else f"offset {base + offset}"
                        )
            where.sort(key=lambda w: int(w.split()[-1]))
            finding = self._finding(label, kinds, examples, ", ".join(where) or "file", locations=where)
            if truncated and finding.status is Status.PASS:
                finding = finding.replace(
                    status=Status.WARN,
                    reason="scan_truncated",
                    message=f"{label}: only the first {self.max_file_bytes:,} bytes were scanned (no "
                    "credential in them); raise max_file_bytes to scan it all",
                )
            out.append(finding)
        return out

    @staticmethod
    def _paths(value: Any) -> list[tuple[str, Path]]:
        import os

        items = [value] if isinstance(value, (str, os.PathLike)) else value
        out: list[tuple[str, Path]] = []
        folders = [Path(v) for v in (items.values() if isinstance(items, dict) else items)
                   if isinstance(v, (str, os.PathLike)) and Path(v).is_dir()]  # fmt: skip
        files = [v for v in (items.items() if isinstance(items, dict) else [(str(i), i) for i in items])
                 if isinstance(v[1], (str, os.PathLike)) and not Path(v[1]).is_dir()]  # fmt: skip
        out += [(str(k), Path(v)) for k, v in files]
        for folder in folders:
            for child in sorted(p for p in folder.rglob("*") if p.is_file()):
                if ".git" in child.parts:
                    continue
                label = str(child.relative_to(folder.parent))
                textual = child.name.lower().endswith(_TEXT_SUFFIXES) or child.name.startswith(".env")
                if textual or _looks_artifact(child):
                    out.append((label, child))
        return out

    def _chunks(self, path: Path) -> Iterator[tuple[str, int, bool, bool]]:
        """(text, offset of its start, whether it is a text file, whether the cap cut the file)."""
        from mlgates.gates.security._streams import (
            DECOMPRESS_ERRORS,
            ByteSource,
            LimitExceeded,
            compression_of,
        )

        with open(path, "rb") as fh:
            head = fh.read(8)
        is_text = path.name.lower().endswith(_TEXT_SUFFIXES) or path.name.startswith(".env")
        if head.startswith(b"PK"):
            yield from self._zip_chunks(path)
            return
        compression = None if is_text else compression_of(head)
        if compression in ("compat", "lz4"):
            compression = None
        size = path.stat().st_size
        with open(path, "rb") as fh:
            src = ByteSource(fh, compression=compression, max_bytes=self.max_file_bytes)
            overlap = b""
            base = 0
            while True:
                try:
                    block = src.read(1 << 20)
                except LimitExceeded:
                    yield "", base, is_text, True
                    return
                except DECOMPRESS_ERRORS:
                    return  # not actually compressed: scanned below as raw bytes would need a reread
                if not block:
                    if compression is None and src.pos < size:
                        yield "", base, is_text, True
                    return
                data = overlap + block
                text = data.decode("utf-8", "replace") if is_text else data.decode("latin-1")
                yield text, base - len(overlap), is_text, False
                overlap = data[-4096:]
                base += len(block)
                if compression is None and src.pos >= self.max_file_bytes and src.pos < size:
                    yield "", base, is_text, True
                    return

    def _zip_chunks(self, path: Path) -> Iterator[tuple[str, int, bool, bool]]:
        import zipfile

        try:
            with zipfile.ZipFile(path) as zf:
                budget = self.max_file_bytes
                for info in zf.infolist():
                    with zf.open(info) as member:
                        data = member.read(max(budget, 0) + 1)
                    cut = len(data) > budget
                    data = data[:budget]
                    budget -= len(data)
                    yield data.decode("latin-1"), 0, False, cut
                    if budget <= 0:
                        return
        except (zipfile.BadZipFile, OSError):
            return

    def _finding(
        self, subject: str, kinds: Counter[str], examples: list[str], where: str, **extra: Any
    ) -> Finding:
        total = sum(kinds.values())
        details = {"counts": dict(kinds), "examples": examples, **extra}
        if total:
            listed = ", ".join(f"{k}: {v:,}" for k, v in kinds.most_common())
            noun = "credential" if total == 1 else "credentials"
            return Finding(
                subject,
                Status.FAIL,
                statistic=float(total),
                threshold=0.0,
                method="secrets",
                reason="secret_detected",
                message=f"{subject}: {total:,} {noun} in {where} ({listed}); e.g. {', '.join(examples)}",
                details=details,
            )
        return Finding(
            subject,
            Status.PASS,
            statistic=0.0,
            threshold=0.0,
            method="secrets",
            message=f"{subject}: no credential found",
            details=details,
        )


def _looks_artifact(path: Path) -> bool:
    from mlgates.gates.security._scan import is_artifact

    return is_artifact(path)
