"""A bounded diff between two revisions of a summary, for the history page.

Lines first, then words. Unchanged lines are trimmed to a little context. A
stretch of changed lines that still reads much the same (a word fixed, a
sentence added, two lines joined) is shown once, in place, its deleted words in
``<del>`` and its inserted ones in ``<ins>``; a stretch rewritten beyond that is
shown as its removed lines, then its added lines.

The search is Myers' O((N+M)·D) greedy diff (E. W. Myers, "An O(ND) difference
algorithm and its variations", Algorithmica 1, 1986) after trimming the common
prefix and suffix, written here. Its cost depends on the input, so it runs on a
budget and every page is bounded, whatever two texts it compares:

- Time: ``WORK_BUDGET`` Myers steps (a diagonal visited, or a token pair
  compared along a snake) for the whole page, lines and words together; a
  search stops as soon as it passes what is left. That caps D near
  √(2·budget) ≈ 630 edits per search, and the trace kept for backtracking
  near D² ≈ 400,000 small integers. bench/diff_bench.py measures about
  0.1 to 0.3 s for two 60,000-character revisions, the worst cases included.
- When the line search would take more than half of what is left, the lines
  that occur once in each text are matched instead (their longest increasing
  run, as in "patience diff", O(n log n)) and the stretches between them are
  searched with what remains. A stretch still past the budget is replaced
  wholesale: all its old lines removed, all its new lines added, no word marks.
- A changed stretch is compared word by word only if it could pass the bar
  (``MIN_SIMILARITY`` of its words unchanged, spaces not counted): it must
  share ``MIN_SHARED_PAIRS`` of its adjacent word pairs (a linear test), and
  the search gives up at the number of edits that would fail the bar, so a
  rewrite costs little to reject.
- Size: at most ``MAX_ROWS`` rows, and word marks only until ``MAX_SEGMENTS``
  pieces are marked (later stretches show as removed and added lines); the
  rows beyond are counted, not built. Rendering them is most of the page's
  time, so these bound it too.

Everything else (splitting, interning, trimming, anchoring) is linear or
O(n log n) in the texts' length, which services cap at 60,000 characters.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from math import isqrt

WORK_BUDGET = 200_000
# The template takes about 0.2 ms a row and 0.1 ms a marked piece: these keep the
# page near a third of a second, and a few hundred KiB, at worst.
MAX_ROWS = 1_000
MAX_SEGMENTS = 3_000
# A changed stretch is shown in place, word by word, when at least this share of
# its words and punctuation (not spaces) is unchanged.
MIN_SIMILARITY = 0.5
# Below this share of adjacent word pairs in common, it is not even searched.
MIN_SHARED_PAIRS = 0.2

EQUAL, DELETE, INSERT = "=", "-", "+"
WHOLESALE = "wholesale"

# Word tokens: a word, a run of spaces, a newline, any other character alone. CJK
# ideographs and kana one by one, as they are written without spaces.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_TOKEN_RE = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|\n|[^\S\n]+|[^\w\s]")


@dataclass(frozen=True)
class DiffLine:
    """One row of the diff table.

    ``kind`` is "same", "removed", "added", "changed" (both, marked word by
    word in ``segments``) or "gap" (unchanged lines left out). ``segments`` are
    (op, text) pairs, op one of "=", "-", "+".
    """

    kind: str
    segments: tuple[tuple[str, str], ...] = ()
    old_number: int | None = None
    new_number: int | None = None


@dataclass
class Diff:
    lines: list[DiffLine] = field(default_factory=list)
    rows_left_out: int = 0  # past MAX_ROWS
    complete: bool = True  # False when some stretch was shown wholesale for lack of budget
    work: int = 0  # Myers steps spent, at most the budget plus one snake

    def __iter__(self):
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __bool__(self) -> bool:
        return bool(self.lines)


class _Budget:
    def __init__(self, steps: int) -> None:
        self.left = steps
        self.spent = 0

    def spend(self, steps: int) -> None:
        self.spent += steps
        self.left = max(0, self.left - steps)


# An opcode, as difflib's: (tag, i1, i2, j1, j2) with tag "equal", "delete",
# "insert", "replace" or WHOLESALE (a replacement not searched, for lack of
# budget), covering a[i1:i2] and b[j1:j2].
Opcode = tuple[str, int, int, int, int]


def compare(old: str, new: str, *, context: int = 3, budget: int = WORK_BUDGET) -> Diff:
    """The rows of ``new`` against ``old``; unchanged stretches trimmed to ``context`` lines."""
    work = _Budget(budget)
    old_lines, new_lines = old.splitlines(), new.splitlines()
    opcodes, complete = _line_opcodes(*_intern(old_lines, new_lines), work)
    diff = Diff(complete=complete)
    rows = diff.lines
    segments_left = MAX_SEGMENTS
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if len(rows) >= MAX_ROWS:
            diff.rows_left_out += i2 - i1 + j2 - j1 if tag != "equal" else 0
            continue
        if tag == "equal":
            first, final = index == 0, index == len(opcodes) - 1
            rows += _context_rows(old_lines, i1, i2, j1, context, first=first, final=final)
            continue
        marked = None
        if tag == "replace" and segments_left > 0:
            marked = _word_rows(old_lines[i1:i2], new_lines[j1:j2], i1 + 1, j1 + 1, work)
        if marked is not None:
            segments_left -= sum(len(row.segments) for row in marked)
            rows += marked
            continue
        room = MAX_ROWS - len(rows)
        removed = range(i1, min(i2, i1 + room))
        added = range(j1, min(j2, j1 + room - len(removed)))
        rows += [DiffLine("removed", ((DELETE, old_lines[i]),), i + 1) for i in removed]
        rows += [DiffLine("added", ((INSERT, new_lines[j]),), None, j + 1) for j in added]
        diff.rows_left_out += i2 - i1 - len(removed) + j2 - j1 - len(added)
    if len(rows) > MAX_ROWS:
        diff.rows_left_out += len(rows) - MAX_ROWS
        del rows[MAX_ROWS:]
    diff.work = work.spent
    return diff


def _context_rows(lines, i1, i2, j1, context, *, first, final) -> list[DiffLine]:
    """Unchanged lines i1..i2 (new numbering from j1): the ends that touch a change, a gap between."""
    if first and final:
        return []  # nothing changed

    def same(i):
        return DiffLine("same", ((EQUAL, lines[i]),), i + 1, j1 + (i - i1) + 1)

    head = 0 if first else context
    tail = 0 if final else context
    if head + tail >= i2 - i1:
        return [same(i) for i in range(i1, i2)]
    return [
        *(same(i) for i in range(i1, i1 + head)),
        DiffLine("gap", ((EQUAL, "…"),)),
        *(same(i) for i in range(i2 - tail, i2)),
    ]


# --------------------------------------------------------------------------
# Words within a changed stretch of lines
# --------------------------------------------------------------------------


def _word_rows(old_block, new_block, old_number, new_number, work) -> list[DiffLine] | None:
    """The stretch as rows marked word by word, or None when it changed too much to read so."""
    old_tokens = _TOKEN_RE.findall("\n".join(old_block))
    new_tokens = _TOKEN_RE.findall("\n".join(new_block))
    old_ids, new_ids = _intern(old_tokens, new_tokens)
    # Spaces are in every text: similarity counts the other tokens only.
    spaces = {
        i
        for i, token in zip(old_ids + new_ids, old_tokens + new_tokens, strict=True)
        if token.isspace()
    }
    old_words = [i for i in old_ids if i not in spaces]
    new_words = [i for i in new_ids if i not in spaces]
    words = len(old_words) + len(new_words)
    # Unchanged words are at most the shorter side's: a lopsided stretch fails unsearched.
    if 2 * min(len(old_words), len(new_words)) < MIN_SIMILARITY * words:
        return None
    if not _share_pairs(old_words, new_words):
        return None
    # D = (all tokens) - 2·(unchanged ones); at the similarity bar, at most every
    # space and the allowed share of words change.
    max_edits = len(old_ids) + len(new_ids) - words + int(words * (1 - MIN_SIMILARITY))
    opcodes = _trimmed_diff(old_ids, new_ids, work, limit=work.left, max_edits=max_edits)
    if opcodes is None:
        return None
    kept = sum(
        1
        for tag, i1, i2, _, _ in opcodes
        if tag == "equal"
        for i in old_ids[i1:i2]
        if i not in spaces
    )
    if 2 * kept < MIN_SIMILARITY * words:
        return None
    return _rows(_segments(opcodes, old_tokens, new_tokens), old_number, new_number)


def _share_pairs(a: list[int], b: list[int]) -> bool:
    """Whether a and b share enough adjacent token pairs to be edits of one text: a
    linear test that saves the search on stretches that were rewritten."""
    if len(a) + len(b) < 40:
        return True  # short: the search itself is cheap
    pairs_a, pairs_b = set(itertools.pairwise(a)), set(itertools.pairwise(b))
    return len(pairs_a & pairs_b) >= MIN_SHARED_PAIRS * max(len(pairs_a), len(pairs_b))


def _segments(opcodes, old_tokens, new_tokens) -> list[tuple[str, str]]:
    """(op, text) runs: all that a change deletes, then all it inserts; spaces
    between two changes join them into one."""
    runs = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            runs.append((EQUAL, "".join(old_tokens[i1:i2])))
        else:
            runs.append((DELETE, "".join(old_tokens[i1:i2])))
            runs.append((INSERT, "".join(new_tokens[j1:j2])))
    segments: list[tuple[str, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []
    for index, (op, text) in enumerate(runs):
        # Merged opcodes alternate, so an equal run inside the list sits between changes.
        between = 0 < index < len(runs) - 1 and text.isspace() and "\n" not in text
        if op == EQUAL and not between:
            segments += [(DELETE, "".join(deleted)), (INSERT, "".join(inserted)), (op, text)]
            deleted.clear()
            inserted.clear()
            continue
        if op != INSERT:
            deleted.append(text)
        if op != DELETE:
            inserted.append(text)
    segments += [(DELETE, "".join(deleted)), (INSERT, "".join(inserted))]
    return [(op, text) for op, text in segments if text]


_PIECE_RE = re.compile(r"[^\n]*\n|[^\n]+")


def _rows(segments, old_number, new_number) -> list[DiffLine]:
    """Cut a changed stretch's marked text into rows: at each line end both texts
    share, and after each whole line only one of them has. The last row holds both
    texts' last lines (one may be empty)."""
    rows: list[DiffLine] = []
    pieces: list[tuple[str, str]] = []
    ops: set[str] = set()
    row_old, row_new = old_number, new_number

    def emit(kind: str, *, at_line_end: bool) -> None:
        nonlocal row_old, row_new
        merged: list[tuple[str, str]] = []
        for op, text in pieces:
            if merged and merged[-1][0] == op:
                merged[-1] = (op, merged[-1][1] + text)
            else:
                merged.append((op, text))
        if at_line_end:  # the line break ends the row; it is not shown
            op, text = merged.pop()
            if text[:-1]:
                merged.append((op, text[:-1]))
        rows.append(
            DiffLine(
                kind,
                tuple(merged),
                None if kind == "added" else row_old,
                None if kind == "removed" else row_new,
            )
        )
        pieces.clear()
        ops.clear()
        row_old, row_new = old_number, new_number

    for op, text in segments:
        for piece in _PIECE_RE.findall(text):
            pieces.append((op, piece))
            ops.add(op)
            if not piece.endswith("\n"):
                continue
            if op != INSERT:
                old_number += 1
            if op != DELETE:
                new_number += 1
            if op == EQUAL or ops == {op}:
                emit(_kind(ops), at_line_end=True)
    emit("same" if ops <= {EQUAL} else "changed", at_line_end=False)
    return rows


def _kind(ops: set[str]) -> str:
    if ops == {DELETE}:
        return "removed"
    if ops == {INSERT}:
        return "added"
    if ops == {EQUAL}:
        return "same"
    return "changed"


# --------------------------------------------------------------------------
# The diff itself
# --------------------------------------------------------------------------


def _intern(a: list[str], b: list[str]) -> tuple[list[int], list[int]]:
    """Both token lists as small integers, equal where the tokens are, so comparing is cheap."""
    ids: dict[str, int] = {}
    return [ids.setdefault(t, len(ids)) for t in a], [ids.setdefault(t, len(ids)) for t in b]


def _line_opcodes(a: list[int], b: list[int], work: _Budget) -> tuple[list[Opcode], bool]:
    """Opcodes for lines a → b, and whether all of them are exact (none wholesale)."""
    opcodes = _trimmed_diff(a, b, work, limit=work.left // 2)
    if opcodes is not None:
        return opcodes, True
    # Too many edits to search directly: anchor on lines found once in each text,
    # then diff the stretches between anchors.
    prefix, suffix = _common_ends(a, b)
    a_mid, b_mid = a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]
    opcodes = [("equal", 0, prefix, 0, prefix)] if prefix else []
    anchors = _anchors(a_mid, b_mid)
    complete = True
    i0 = j0 = 0
    for i, j in [*anchors, (len(a_mid), len(b_mid))]:
        # Without anchors the one stretch is what just failed: no second try.
        gap = _trimmed_diff(a_mid[i0:i], b_mid[j0:j], work, limit=work.left) if anchors else None
        if gap is None:
            gap, complete = [(WHOLESALE, 0, i - i0, 0, j - j0)], False
        opcodes += [
            (tag, g1 + prefix + i0, g2 + prefix + i0, h1 + prefix + j0, h2 + prefix + j0)
            for tag, g1, g2, h1, h2 in gap
        ]
        if i < len(a_mid):
            opcodes.append(("equal", prefix + i, prefix + i + 1, prefix + j, prefix + j + 1))
        i0, j0 = i + 1, j + 1
    if suffix:
        opcodes.append(("equal", len(a) - suffix, len(a), len(b) - suffix, len(b)))
    return _merged(opcodes), complete


def _common_ends(a, b) -> tuple[int, int]:
    """Lengths of the common prefix and (not overlapping it) the common suffix."""
    shorter = min(len(a), len(b))
    prefix = 0
    while prefix < shorter and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shorter - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def _trimmed_diff(a, b, work, *, limit, max_edits=None) -> list[Opcode] | None:
    """Opcodes for a → b: common ends trimmed, the rest by Myers; None past ``limit``
    steps or ``max_edits`` edits."""
    prefix, suffix = _common_ends(a, b)
    n, m = len(a) - prefix - suffix, len(b) - prefix - suffix
    if max_edits is not None and n + m > max_edits and (n == 0 or m == 0):
        return None
    middle = _myers(a[prefix : prefix + n], b[prefix : prefix + m], work, limit, max_edits)
    if middle is None:
        return None
    opcodes = [("equal", 0, prefix, 0, prefix)] if prefix else []
    opcodes += [
        (t, i1 + prefix, i2 + prefix, j1 + prefix, j2 + prefix) for t, i1, i2, j1, j2 in middle
    ]
    if suffix:
        opcodes.append(("equal", len(a) - suffix, len(a), len(b) - suffix, len(b)))
    return _merged(opcodes)


def _myers(a, b, work, limit, max_edits) -> list[Opcode] | None:
    """The shortest edit script from a to b as opcodes (Myers 1986, the greedy
    forward search with a kept trace), or None past ``limit`` steps or ``max_edits``."""
    n, m = len(a), len(b)
    if n == 0 or m == 0:
        return [("delete" if n else "insert", 0, n, 0, m)] if n or m else []
    # Each round d visits d + 1 diagonals, so the budget alone caps d near √(2·limit).
    cap = min(n + m, isqrt(2 * max(limit, 0)) + 1)
    if max_edits is not None:
        cap = min(cap, max_edits)
    if abs(n - m) > cap:
        return None  # every edit script has at least |n - m| edits
    offset = cap + 2
    v = [0] * (2 * cap + 5)  # v[offset + k]: furthest x reached on diagonal k = x - y
    trace = []
    steps = 0
    for d in range(cap + 1):
        low, high = offset - d, offset + d
        trace.append(v[low - 1 : high + 2])
        steps += d + 1
        for i in range(low, high + 1, 2):  # i = offset + k
            if i == low or (i != high and v[i - 1] < v[i + 1]):
                x = v[i + 1]  # down from diagonal k + 1: an insertion
            else:
                x = v[i - 1] + 1  # right from diagonal k - 1: a deletion
            y = x - i + offset
            if x < n and y < m and a[x] == b[y]:
                start = x
                x += 1
                y += 1
                while x < n and y < m and a[x] == b[y]:
                    x += 1
                    y += 1
                steps += x - start
            v[i] = x
            if x >= n and y >= m:
                work.spend(steps)
                return _backtrack(trace, n, m)
            if steps > limit:
                work.spend(steps)
                return None
    work.spend(steps)
    return None


def _backtrack(trace, n, m) -> list[Opcode]:
    """Walk the kept trace back from (n, m) to (0, 0); trace[d][k + d + 1] is the furthest
    x on diagonal k after d - 1 edits."""
    opcodes = []
    x, y = n, m
    for d in range(len(trace) - 1, -1, -1):
        v = trace[d]
        k = x - y
        down = k == -d or (k != d and v[k + d] < v[k + d + 2])
        prev_k = k + 1 if down else k - 1
        prev_x = v[prev_k + d + 1]
        prev_y = prev_x - prev_k
        if d == 0:
            start_x, start_y = 0, 0
        elif down:
            start_x, start_y = prev_x, prev_y + 1
        else:
            start_x, start_y = prev_x + 1, prev_y
        if x > start_x:
            opcodes.append(("equal", start_x, x, start_y, y))
        if d > 0:
            if down:
                opcodes.append(("insert", prev_x, prev_x, prev_y, prev_y + 1))
            else:
                opcodes.append(("delete", prev_x, prev_x + 1, prev_y, prev_y))
        x, y = prev_x, prev_y
    opcodes.reverse()
    return _merged(opcodes)


def _merged(opcodes: list[Opcode]) -> list[Opcode]:
    """Adjacent opcodes joined: equal with equal, and every run of changes into one
    (a wholesale one if any part of it is)."""
    merged: list[Opcode] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if i1 == i2 and j1 == j2:
            continue
        if merged and (merged[-1][0] == "equal") == (tag == "equal"):
            before, i1, _, j1, _ = merged.pop()
            if WHOLESALE in (before, tag):
                tag = WHOLESALE
        if tag not in ("equal", WHOLESALE):
            tag = _change_tag(i2 - i1, j2 - j1)
        merged.append((tag, i1, i2, j1, j2))
    return merged


def _change_tag(removed: int, added: int) -> str:
    if removed and added:
        return "replace"
    return "delete" if removed else "insert"


def _anchors(a, b) -> list[tuple[int, int]]:
    """Pairs (i, j) with a[i] == b[j] occurring once in each, the longest run increasing
    in both (patience sorting, O(n log n))."""
    count_a, count_b = Counter(a), Counter(b)
    where_b = {token: j for j, token in enumerate(b) if count_b[token] == 1}
    pairs = [(i, where_b[t]) for i, t in enumerate(a) if count_a[t] == 1 and t in where_b]
    ends: list[int] = []  # ends[n]: the pair ending the best run of length n + 1 so far
    end_js: list[int] = []
    before: list[int | None] = []
    for index, (_, j) in enumerate(pairs):
        length = bisect.bisect_left(end_js, j)
        before.append(ends[length - 1] if length else None)
        if length == len(ends):
            ends.append(index)
            end_js.append(j)
        else:
            ends[length], end_js[length] = index, j
    run = []
    index = ends[-1] if ends else None
    while index is not None:
        run.append(pairs[index])
        index = before[index]
    return run[::-1]
