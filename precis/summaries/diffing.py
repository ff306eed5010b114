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

Unchanged text is collapsed as a code review shows it: unchanged lines beyond
``context`` become one gap row that says how many lines it stands for, and
inside a row an unchanged run longer than ``LONG_RUN`` characters keeps
``CONTEXT_CHARS`` at each end (summaries keep a paragraph on one line,
so a one-word fix would otherwise show a whole page of unchanged text).

``compare_blocks`` does the same for the rendered view: the two revisions'
sanitised HTML is cut into its top-level blocks (paragraphs, lists, tables,
display math), which are diffed as lines are, and each block of the newer text
is marked unchanged, changed (with the block it replaced) or added, with the
removed blocks of the older one in place. Inside changed blocks, words are
marked too (formulas as a whole), least changed block first, on a second
budget of half the first: the rest stay marked as whole blocks. Nothing but
slices of the renderer's sanitised output and the marks' own tags is shown.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field, replace
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

# An unchanged run in a row longer than this keeps CONTEXT_CHARS at each end; the
# rest is left out and counted.
LONG_RUN = 600
CONTEXT_CHARS = 200

EQUAL, DELETE, INSERT = "=", "-", "+"
# A segment that stands for unchanged text left out; its text is how many characters.
ELIDED = "…"
WHOLESALE = "wholesale"

# Word tokens: a word, a run of spaces, a newline, any other character alone. CJK
# ideographs and kana one by one, as they are written without spaces.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
_TOKEN_RE = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|\n|[^\S\n]+|[^\w\s]")


@dataclass(frozen=True)
class DiffLine:
    """One row of the diff table.

    ``kind`` is "same", "removed", "added", "changed" (both, marked word by
    word in ``segments``) or "gap" (``skipped`` unchanged lines left out).
    ``segments`` are (op, text) pairs, op one of "=", "-", "+", or ELIDED with
    the number of unchanged characters left out as its text.
    """

    kind: str
    segments: tuple[tuple[str, str], ...] = ()
    old_number: int | None = None
    new_number: int | None = None
    skipped: int = 0


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
    diff.lines = [_collapsed(row) for row in rows]
    diff.work = work.spent
    return diff


def _collapsed(row: DiffLine) -> DiffLine:
    """The row with each unchanged run past ``LONG_RUN`` cut to its two ends."""
    if row.kind not in ("same", "changed") or all(
        len(text) <= LONG_RUN for op, text in row.segments if op == EQUAL
    ):
        return row
    segments: list[tuple[str, str]] = []
    for op, text in row.segments:
        if op != EQUAL or len(text) <= LONG_RUN:
            segments.append((op, text))
            continue
        # Both ends: the one next to a change, and the one that says where the line starts
        # (or ends), which is how a reader finds the paragraph.
        head, tail = _cut_after(text, CONTEXT_CHARS), _cut_before(text, CONTEXT_CHARS)
        segments += [(EQUAL, text[:head]), (ELIDED, f"{tail - head:,}"), (EQUAL, text[tail:])]
    return DiffLine(row.kind, tuple(segments), row.old_number, row.new_number)


def _cut_after(text: str, chars: int) -> int:
    """Where to end a head of about ``chars`` characters: after a space when one is near."""
    space = text.rfind(" ", chars // 2, chars)
    return space + 1 if space >= 0 else chars


def _cut_before(text: str, chars: int) -> int:
    """Where to start a tail of about ``chars`` characters: at a word when one is near."""
    start = len(text) - chars
    space = text.find(" ", start, start + chars // 2)
    return space + 1 if space >= 0 else start


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
        DiffLine("gap", ((EQUAL, "…"),), skipped=i2 - i1 - head - tail),
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
    limit = work.left // 2
    opcodes = _trimmed_diff(old_ids, new_ids, work, limit=limit, max_edits=max_edits)
    if opcodes is None and isqrt(2 * limit) + 1 < max_edits:
        # Stopped by the budget, not the bar: a long paragraph with many small edits.
        # Anchor on words found once in each, as lines are.
        opcodes, complete = _anchored_opcodes(old_ids, new_ids, work)
        if not complete:
            return None
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
    return _anchored_opcodes(a, b, work)


def _anchored_opcodes(a: list[int], b: list[int], work: _Budget) -> tuple[list[Opcode], bool]:
    """For a → b with too many edits to search directly: anchor on items found once
    in each, then diff the stretches between anchors; a stretch past the budget is
    replaced wholesale (and the opcodes are not complete)."""
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


# --------------------------------------------------------------------------
# Blocks of rendered HTML, for the rendered view
# --------------------------------------------------------------------------

# Blocks of a replaced stretch are shown as one changed block when they share this
# share of their words (of the smaller's); otherwise as removed and added.
MIN_BLOCK_SIMILARITY = 0.5
# How far ahead, in a replaced stretch, a block looks for its changed counterpart.
BLOCK_WINDOW = 4

_VOID_ELEMENTS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
# Footnote ids carry a per-render document id ("fn-rev3-1"): not a change.
_DOC_ID_RE = re.compile(r'((?:id|href)="#?fn(?:ref)?-)[a-z0-9]+-')
_TAG_RE = re.compile(r"<[^>]*>")
# A start or end tag as the serialiser writes it (attribute values double-quoted), a
# comment, or a lone "<" that is neither.
_HTML_TAG_RE = re.compile(
    r'<(/?)([A-Za-z][^\s/>]*)(?:\s+[^\s"\'=/>]+(?:\s*=\s*"[^"]*")?)*\s*(/?)>|<!--.*?-->|<',
    re.DOTALL,
)
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class Block:
    """One top-level block of the rendered view: ``kind`` is "same", "changed",
    "added" or "removed"; ``html`` is the newer block (the older one when
    removed), ``old_html`` what a changed block replaced. Both are slices of the
    renderer's sanitised output, each a whole element."""

    kind: str
    html: str
    old_html: str = ""
    change: int = 0  # 1, 2, … for the blocks that are not "same", in order
    # A changed block with its deleted and inserted words marked, when they could be
    # within the budget; else empty, and the block is marked as a whole.
    marked_html: str = ""


@dataclass
class BlockDiff:
    blocks: list[Block] = field(default_factory=list)
    complete: bool = True  # False when a stretch was replaced wholesale for lack of budget

    def count(self, kind: str) -> int:
        return sum(1 for block in self.blocks if block.kind == kind)

    @property
    def changes(self) -> int:
        return len(self.blocks) - self.count("same")

    @property
    def changed(self) -> int:
        return self.count("changed")

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def removed(self) -> int:
        return self.count("removed")

    def __iter__(self):
        return iter(self.blocks)


def compare_blocks(old_html: str, new_html: str, *, budget: int = WORK_BUDGET) -> BlockDiff:
    """The newer rendered revision's blocks, marked against the older's."""
    old_blocks, new_blocks = split_blocks(old_html), split_blocks(new_html)
    old_keys = [_DOC_ID_RE.sub(r"\1", block) for block in old_blocks]
    new_keys = [_DOC_ID_RE.sub(r"\1", block) for block in new_blocks]
    work = _Budget(budget)
    opcodes, complete = _line_opcodes(*_intern(old_keys, new_keys), work)
    blocks: list[Block] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            blocks += [Block("same", block) for block in new_blocks[j1:j2]]
        else:
            blocks += _paired(old_blocks[i1:i2], new_blocks[j1:j2])
    _mark_words(blocks, _Budget(min(work.left, budget // 2)))
    changes = itertools.count(1)
    return BlockDiff(
        [
            block if block.kind == "same" else replace(block, change=next(changes))
            for block in blocks
        ],
        complete,
    )


def _mark_words(blocks: list[Block], work: _Budget) -> None:
    """Mark the words of as many changed blocks as the budget allows, the least
    changed first. A pair needs at least as many edits as the tokens one has and the
    other lacks, and a search to D edits about D²/2 steps: a pair that cannot fit what
    is left is not searched."""
    pairs = []
    for index, block in enumerate(blocks):
        if block.kind != "changed":
            continue
        tokens = _HTML_TOKEN_RE.findall(block.old_html), _HTML_TOKEN_RE.findall(block.html)
        old_counts, new_counts = Counter(tokens[0]), Counter(tokens[1])
        least = (old_counts - new_counts).total() + (new_counts - old_counts).total()
        pairs.append((least, index, tokens))
    pairs.sort(key=lambda pair: pair[:2])
    for least, index, (old_tokens, new_tokens) in pairs:
        if least * least // 2 > work.left:
            break
        marked_html = _marked_words(old_tokens, new_tokens, work)
        blocks[index] = replace(blocks[index], marked_html=marked_html)


def _paired(old: list[str], new: list[str]) -> list[Block]:
    """A replaced stretch of blocks: each new block paired, in order, with a like old
    one not far ahead (changed), the old ones skipped over removed, the rest added."""
    old_words = [_words(block) for block in old]
    blocks: list[Block] = []
    i = 0
    for block in new:
        words = _words(block)
        match = next(
            (
                k
                for k in range(i, min(len(old), i + BLOCK_WINDOW))
                if _tag(old[k]) == _tag(block) and _similar(old_words[k], words)
            ),
            None,
        )
        if match is None:
            blocks.append(Block("added", block))
            continue
        blocks += [Block("removed", skipped) for skipped in old[i:match]]
        blocks.append(Block("changed", block, old[match]))
        i = match + 1
    blocks += [Block("removed", skipped) for skipped in old[i:]]
    return blocks


# Tokens of sanitised HTML for marking words: a whole <math> element (never marked
# inside, where <ins> is not allowed), a tag or comment, a character reference, a
# word, white space, any other character.
_HTML_TOKEN_RE = re.compile(
    rf'<math\b.*?</math>|<!--.*?-->|<[^>"]*(?:"[^"]*"[^>"]*)*>|&#?\w+;'
    rf"|[{_CJK}]|[^\W{_CJK}]+|\s+|[^\s<&]|[<&]",
    re.DOTALL,
)
# Where text of the older block may not be put back: inside these, the parser would
# move it elsewhere (out of a table) or it would not belong (between list items).
_NO_TEXT_INSIDE = frozenset(
    {"table", "thead", "tbody", "tfoot", "tr", "colgroup", "ul", "ol", "section"}
)
MARK_ADDED = '<ins class="rdiff-word"><span class="visually-hidden">[added: </span>'
MARK_REMOVED = '<del class="rdiff-word"><span class="visually-hidden">[removed: </span>'
MARK_END = '<span class="visually-hidden">]</span>'


def _marked_words(old_tokens: list[str], new_tokens: list[str], work: _Budget) -> str:
    """The newer block (its ``_HTML_TOKEN_RE`` tokens) with the words it inserted in
    <ins> and the words of the older one it deleted in <del>, in place; "" when the
    search is past the budget.

    Every tag of the newer block is kept, in order, and only text (or a whole
    formula) is wrapped, and text of the older block is put back only inside an
    element that takes text, so the result is as balanced as the block; that is
    checked as the tags go by, and the result dropped if not."""
    opcodes = _trimmed_diff(*_intern(old_tokens, new_tokens), work, limit=work.left)
    if opcodes is None:
        return ""
    out: list[str] = []
    open_tags: list[str] = []
    balanced = True

    def emit_tag(token: str) -> None:
        nonlocal balanced
        out.append(token)
        match = _HTML_TAG_RE.match(token)
        if not match or match.group(2) is None:
            return
        closing, name, self_closing = match.group(1, 2, 3)
        name = name.lower()
        if closing:
            balanced = balanced and bool(open_tags) and open_tags.pop() == name
        elif not self_closing and name not in _VOID_ELEMENTS:
            open_tags.append(name)

    def is_tag(token: str) -> bool:
        return token.startswith("<") and not token.startswith("<math") and len(token) > 1

    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            for token in new_tokens[j1:j2]:
                emit_tag(token) if is_tag(token) else out.append(token)
            continue
        removed = "".join(token for token in old_tokens[i1:i2] if not is_tag(token))
        if removed.strip() and open_tags and open_tags[-1] not in _NO_TEXT_INSIDE:
            out.append(f"{MARK_REMOVED}{removed}{MARK_END}</del>")
        run: list[str] = []
        for token in [*new_tokens[j1:j2], None]:
            if token is not None and not is_tag(token):
                run.append(token)
                continue
            text = "".join(run)
            run.clear()
            if text.strip():
                out.append(f"{MARK_ADDED}{text}{MARK_END}</ins>")
            else:
                out.append(text)
            if token is not None:
                emit_tag(token)
    return "".join(out) if balanced and not open_tags else ""


def _tag(block: str) -> str:
    match = re.match(r"<([a-zA-Z0-9]+)", block)
    return match.group(1).lower() if match else ""


def _words(block: str) -> set[str]:
    return set(_WORD_RE.findall(_TAG_RE.sub(" ", block).lower()))


def _similar(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return not a and not b
    return len(a & b) >= MIN_BLOCK_SIMILARITY * min(len(a), len(b))


def split_blocks(html: str) -> list[str]:
    """The top-level elements of a sanitised fragment, in order; text between them
    (there is none in the renderer's output but white space) as blocks of its own.

    The sanitiser's serialiser closes every element that is not void, quotes every
    attribute value with ``"`` and escapes ``<`` in text, so a scan of its tags with a
    stack of open ones finds each top-level element in one pass. Whatever does not
    scan so comes back as one block: nothing is ever dropped."""
    spans: list[tuple[int, int]] = []
    open_tags: list[str] = []
    start = 0
    for tag in _HTML_TAG_RE.finditer(html):
        closing, name, self_closing = tag.group(1, 2, 3)
        if name is None:
            if tag.group(0) == "<":  # a "<" that starts no tag: not the sanitiser's output
                return _one_block(html)
            continue  # a comment
        name = name.lower()
        if closing:
            if not open_tags or open_tags.pop() != name:
                return _one_block(html)
            if not open_tags:
                spans.append((start, tag.end()))
        elif self_closing or name in _VOID_ELEMENTS:
            if not open_tags:
                spans.append((tag.start(), tag.end()))
        else:
            if not open_tags:
                start = tag.start()
            open_tags.append(name)
    if open_tags:
        return _one_block(html)
    blocks: list[str] = []
    position = 0
    for begin, end in spans:
        if html[position:begin].strip():
            blocks.append(html[position:begin].strip())
        blocks.append(html[begin:end])
        position = end
    if html[position:].strip():
        blocks.append(html[position:].strip())
    return blocks


def _one_block(html: str) -> list[str]:
    return [html] if html.strip() else []
