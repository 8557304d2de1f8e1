"""Every example in docs/ runs as written.

Every page under docs/ is collected (no hand-kept list, so a new page cannot escape). Its
```python blocks run top to bottom in one namespace, in a temporary folder, on bundled data
(``mlgates.datasets.load_adult()``, ``mlgates.demo.data``, scikit-learn's datasets). A block
that cannot run here says so in its fence, with the reason beside it, and is still compiled::

    ```python no-run: a test module of your project; pytest supplies the fixtures

A page whose examples are run by another test, or that is slow, says so in an HTML comment::

    <!-- docs-test: run by tests/integrations/evidently/test_evidently_docs.py (why) -->
    <!-- docs-test: slow (why) -->

Shell blocks (and the ``run:``/``entry:`` lines of YAML blocks) that call ``mlgates`` must
parse with the real command-line parser: every subcommand and option they show exists.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
PYTHON = {"python", "py", "python3"}
SHELL = {"bash", "sh", "shell", "console"}
_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)
_PAGE_MARK = re.compile(r"<!--\s*docs-test:\s*(?P<what>.*?)\s*-->", re.S)


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    lang: str
    code: str
    no_run: str | None  # the reason, for a block marked no-run

    @property
    def where(self) -> str:
        return f"docs/{self.page}:{self.line}"


def blocks(text: str, page: str) -> list[Block]:
    """The fenced blocks of a page, with their language and no-run reason."""
    out = []
    for m in _FENCE.finditer(text):
        info = m.group("info").strip()
        lang, _, rest = info.partition(" ")
        rest = rest.strip()
        no_run = None
        if rest:
            if not rest.startswith("no-run"):
                raise ValueError(f"docs/{page}: unknown fence option {rest!r} (only 'no-run: REASON')")
            no_run = rest[len("no-run") :].lstrip(":").strip()
            if not no_run:
                raise ValueError(f"docs/{page}: a no-run block must give its reason: ```{lang} no-run: why")
        line = text.count("\n", 0, m.start()) + 1
        out.append(Block(page, line, lang.lower(), m.group("code"), no_run))
    return out


def page_marks(text: str) -> list[str]:
    return [m.group("what") for m in _PAGE_MARK.finditer(text)]


def _read(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


def _runnable_pages() -> list:
    params = []
    for page in PAGES:
        text = _read(page)
        if not any(b.lang in PYTHON for b in blocks(text, page)):
            continue
        marks = page_marks(text)
        if any(m.startswith("run by ") for m in marks):
            continue  # test_pages_run_elsewhere_name_their_test checks the named test
        slow = [pytest.mark.slow] if any(m.startswith("slow") for m in marks) else []
        params.append(pytest.param(page, marks=slow, id=page))
    return params


@pytest.mark.parametrize("page", _runnable_pages())
def test_examples_run(page, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": f"docs_{page}"}
    ran = 0
    for block in blocks(_read(page), page):
        if block.lang not in PYTHON or block.no_run:
            continue
        code = compile(block.code, block.where, "exec")
        with contextlib.redirect_stdout(io.StringIO()):
            exec(code, namespace)  # our own documentation
        ran += 1
    assert ran, f"docs/{page}: every python block is marked no-run; run at least one"


def test_every_python_block_runs_or_says_why_not():
    """A no-run block still compiles, and its reason is written beside it; pages are found by
    globbing docs/, so a new page is tested without editing this file."""
    assert len(PAGES) >= 11 and "index.md" in PAGES
    for page in PAGES:
        for block in blocks(_read(page), page):
            if block.lang in PYTHON and block.no_run:
                assert len(block.no_run) >= 10, f"{block.where}: say why the block cannot run"
                compile(block.code, block.where, "exec")


def test_pages_run_elsewhere_name_their_test():
    for page in PAGES:
        for mark in page_marks(_read(page)):
            if mark.startswith("run by "):
                path, _, why = mark[len("run by ") :].partition(" ")
                assert why.strip(), f"docs/{page}: say why the page runs elsewhere"
                other = ROOT / path
                assert other.is_file(), f"docs/{page}: {path} does not exist"
                assert Path(page).name in other.read_text(encoding="utf-8"), f"{path} does not run {page}"
            else:
                assert mark.startswith("slow"), f"docs/{page}: unknown docs-test mark {mark!r}"


def test_fence_parsing():
    text = "x\n```python\na = 1\n```\n\n```python no-run: needs your data\nb\n```\n```bash\nls\n```\n"
    got = [(b.line, b.lang, b.code, b.no_run) for b in blocks(text, "p.md")]
    assert got == [
        (2, "python", "a = 1\n", None),
        (6, "python", "b\n", "needs your data"),
        (9, "bash", "ls\n", None),
    ]
    with pytest.raises(ValueError, match="reason"):
        blocks("```python no-run\nb\n```\n", "p.md")
    with pytest.raises(ValueError, match="unknown fence option"):
        blocks("```python skip\nb\n```\n", "p.md")


# -- shell examples ---------------------------------------------------------------------------
def _commands(text: str, page: str) -> list[tuple[str, list[str]]]:
    """``mlgates ...`` command lines of shell blocks and of YAML ``run:``/``entry:`` lines."""
    lines: list[str] = []
    for block in blocks(text, page):
        if block.lang in SHELL:
            lines += block.code.replace("\\\n", " ").splitlines()
        elif block.lang in ("yaml", "yml"):
            lines += [m.group(1) for m in re.finditer(r"^\s*-?\s*(?:run|entry):\s*(.+)$", block.code, re.M)]
    out = []
    for line in lines:
        line = line.split(" #", 1)[0].strip().removeprefix("$ ")
        for part in re.split(r"\s*(?:&&|\|\||;|\|)\s*", line):
            if not part:
                continue
            words = shlex.split(part)
            if words and Path(words[0]).name == "mlgates":
                out.append((part, words[1:]))
    return out


def _doc_commands() -> list:
    found = []
    for path in [ROOT / "README.md", *(DOCS / p for p in PAGES)]:
        page = path.relative_to(ROOT).as_posix()
        found += [
            pytest.param(args, id=f"{page}: {cmd}"[:90])
            for cmd, args in _commands(path.read_text("utf-8"), page)
        ]
    return found


@pytest.mark.parametrize("args", _doc_commands())
def test_shell_examples_match_the_cli(args):
    from mlgates.cli import _build_parser

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        try:
            _build_parser().parse_args(args)
        except SystemExit as exc:  # argparse's way of refusing an option or a subcommand
            pytest.fail(f"mlgates {shlex.join(args)}: {stderr.getvalue().strip() or exc}")


def test_shell_examples_are_found():
    commands = [" ".join(args) for p in _doc_commands() for args in p.values]
    assert any(c.startswith("check ") for c in commands) and any(c.startswith("init ") for c in commands)
    assert any(c.startswith("verify") for c in commands) and "demo" in commands


def test_ci_workflow_is_valid_yaml():
    yaml = pytest.importorskip("yaml", reason="PyYAML is in the dev extra")
    text = (DOCS / "ci.md").read_text(encoding="utf-8")
    yaml_blocks = [b.code for b in blocks(text, "ci.md") if b.lang == "yaml"]
    assert len(yaml_blocks) == 3
    workflow = yaml.safe_load(yaml_blocks[0])
    run = " ".join(s.get("run", "") for s in workflow["jobs"]["gates"]["steps"])
    assert "mlgates check mlgates.toml" in run
    for block in yaml_blocks[1:]:
        yaml.safe_load(block)
