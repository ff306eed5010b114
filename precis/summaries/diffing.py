"""A readable line diff between two revisions, for the history page."""

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", "gap"
    text: str
    old_number: int | None = None
    new_number: int | None = None


def line_diff(old: str, new: str, *, context: int = 3) -> list[DiffLine]:
    """Lines of ``new`` against ``old``, unchanged stretches trimmed to ``context`` lines."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    lines: list[DiffLine] = []
    for group in matcher.get_grouped_opcodes(context):
        if lines:
            lines.append(DiffLine("gap", "…"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [
                    DiffLine("same", old_lines[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2)
                ]
                continue
            if tag in ("replace", "delete"):
                lines += [DiffLine("removed", old_lines[i], i + 1, None) for i in range(i1, i2)]
            if tag in ("replace", "insert"):
                lines += [DiffLine("added", new_lines[j], None, j + 1) for j in range(j1, j2)]
    return lines
