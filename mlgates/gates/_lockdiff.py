"""What changed between a lock entry and the same artifact now: facts for a finding's details
and the phrases of its message (tables by column, directories by file, configs and seeds by
key). Pure functions of two entries; the ReproducibilityGate decides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["diff_entries", "short", "shown"]


def short(fp: Any) -> str:
    """The first 12 hex digits of a fingerprint (``none`` when absent)."""
    return "none" if not isinstance(fp, str) or not fp else fp.split(":")[-1][:12]


def shown(items: list[Any], limit: int = 5) -> str:
    """``a, b, c (+2 more)``."""
    head = ", ".join(map(str, items[:limit]))
    return head + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def _value(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _keyed(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[list[str], list[str], list[str]]:
    changed = [k for k in new if k in old and new[k] != old[k]]
    added = [k for k in new if k not in old]
    removed = [k for k in old if k not in new]
    return changed, added, removed


def diff_entries(
    entry: Mapping[str, Any], new: Mapping[str, Any], *, cli: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """(details, message parts) describing how ``new`` differs from the locked ``entry``.

    ``cli`` phrases seeds as ``mlgates verify`` takes them (``--seed NAME=INT``).
    """
    details: dict[str, Any] = {}
    parts: list[str] = []
    if "columns" in entry and "columns" in new:
        _tables(entry, new, details, parts)
    elif entry.get("path_kind") != new.get("path_kind") and entry.get("path_kind") and new.get("path_kind"):
        parts.append(f"was a {entry['path_kind']}, now a {new['path_kind']}")
    elif "files" in entry and "files" in new:
        _files(entry, new, details, parts)
    elif new.get("path_kind") == "directory" and "files" not in entry:
        followed = [rel for rel, link in (new.get("links") or {}).items() if link.get("kind") == "directory"]
        if followed:  # a schema 1 lock: its fingerprint left symlinked directories out
            parts.append(
                f"the lock was written by an mlgates that did not follow symlinked directories "
                f"({shown(followed, 3)}); re-create it to lock their content"
            )
    elif isinstance(entry.get("value"), Mapping) and isinstance(new.get("value"), Mapping):
        _values(entry, new, details, parts, cli=cli and entry.get("kind") == "seeds")
    elif "value" in entry and "value" in new:
        parts.append(f"locked {_value(entry['value'])}, now {_value(new['value'])}")
    if "symlink" in entry or "symlink" in new:
        old_t, new_t = entry.get("symlink"), new.get("symlink")
        if old_t != new_t:
            details["symlink"] = {"locked": old_t, "current": new_t}
            parts.append(
                f"link {_value(old_t) if old_t else '(none)'} -> {_value(new_t) if new_t else '(none)'}"
            )
    return details, parts


def _tables(
    entry: Mapping[str, Any], new: Mapping[str, Any], details: dict[str, Any], parts: list[str]
) -> None:
    changed, added, removed = _keyed(entry["columns"], new["columns"])
    details.update(changed_columns=changed, added_columns=added, removed_columns=removed)
    details["n_rows"] = {"locked": entry.get("n_rows"), "current": new.get("n_rows")}
    for label, cols in (("changed", changed), ("added", added), ("removed", removed)):
        if cols:
            parts.append(f"columns {label}: {shown(cols)}")
    if entry.get("n_rows") != new.get("n_rows"):
        parts.append(f"rows {entry.get('n_rows'):,} -> {new.get('n_rows'):,}")
    if not parts:
        parts.append("column order or row order changed")


def _files(
    entry: Mapping[str, Any], new: Mapping[str, Any], details: dict[str, Any], parts: list[str]
) -> None:
    changed, added, removed = _keyed(entry["files"], new["files"])
    details.update(changed_files=changed, added_files=added, removed_files=removed)
    for label, files in (("changed", changed), ("added", added), ("removed", removed)):
        if files:
            parts.append(f"files {label}: {shown(files)}")
    links = link_changes(entry, new)
    if links:
        details["changed_links"] = links
        parts.append(f"links changed: {shown(list(links))}")


def link_changes(entry: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Symbolic links inside a directory added, removed or pointing elsewhere."""
    old_l, new_l = entry.get("links") or {}, new.get("links") or {}
    return {
        rel: {"locked": old_l.get(rel), "current": new_l.get(rel)}
        for rel in sorted({*old_l, *new_l})
        if old_l.get(rel) != new_l.get(rel)
    }


def _values(
    entry: Mapping[str, Any], new: Mapping[str, Any], details: dict[str, Any], parts: list[str], *, cli: bool
) -> None:
    old_v, new_v = entry["value"], new["value"]
    keys = sorted({*old_v, *new_v}, key=str)
    diff = [k for k in keys if old_v.get(k, ...) != new_v.get(k, ...)]
    details["changed_keys"] = diff
    phrases = []
    for k in diff[:5]:
        if cli:
            if k not in old_v:
                phrases.append(f"--seed {k}={new_v[k]} is not in the lock")
            elif k not in new_v:
                phrases.append(f"no --seed {k} given (locked {k}={old_v[k]})")
            else:
                phrases.append(f"--seed {k}={new_v[k]}, locked {k}={old_v[k]}")
        else:
            before = _value(old_v[k]) if k in old_v else "(absent)"
            after = _value(new_v[k]) if k in new_v else "(absent)"
            phrases.append(f"{k} {before} -> {after}")
    more = f" (+{len(diff) - 5} more)" if len(diff) > 5 else ""
    parts.append(("; ".join(phrases) if cli else "keys changed: " + ", ".join(phrases)) + more)
