"""One TeX formula → MathML that reads like TeX in any browser with MathML Core.

``convert`` wraps latex2mathml and fixes what it leaves to the renderer:

- operator names (``\\log``, ``\\sin``, ``\\max``, ``\\operatorname{…}``) get
  U+2061 FUNCTION APPLICATION and TeX's thin spaces, so ``\\log D`` is not "logD";
- in display math, the limits of ``\\sum``, ``\\lim``, ``\\min``… go under and
  over (``munder``/``munderover`` with ``movablelimits``), and the formula is
  ``displaystyle``, so large operators are large;
- the brackets around ``pmatrix``, ``bmatrix``… are fences that stretch;
- ``gather`` and ``multline`` lines become table rows (browsers ignore
  ``linebreak``); ``aligned``, ``dcases`` and friends map to what latex2mathml knows;
- ``<``, ``>`` and ``&`` in ``\\text{…}`` stay text (latex2mathml copies them raw).

TeX it cannot read comes back as a ``Formula`` with ``mathml=None`` and a
``problem`` a writer can act on ("the ^ at the end has nothing to raise");
commands it does not know are shown as ``<merror>`` and named in
``notes``. Pure functions, no Django.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from latex2mathml import exceptions as l2m
from latex2mathml.converter import convert as latex_to_mathml
from lxml import etree

MAX_TEX_CHARS = 5000
TEX_ENCODING = "application/x-tex"
MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_NS = f"{{{MATHML_NS}}}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

THIN_SPACE = "0.1667em"
FUNCTION_APPLICATION = "\u2061"


@dataclass(frozen=True)
class Formula:
    """What became of one formula: MathML (None when unreadable), why not, and notes."""

    mathml: str | None
    problem: str | None = None
    notes: tuple[str, ...] = ()
    # Characters of visible text (identifiers, numbers, operators, text): how wide it is.
    text_chars: int = 0


# --------------------------------------------------------------------------
# Checks and rewrites on the TeX
# --------------------------------------------------------------------------

# Environments latex2mathml lays out; the others are renamed below or refused.
_KNOWN_ENVIRONMENTS = frozenset(
    {
        "align", "align*", "split", "equation", "equation*", "gather", "gather*",
        "multline", "multline*", "cases", "matrix", "pmatrix", "bmatrix", "Bmatrix",
        "vmatrix", "Vmatrix", "smallmatrix", "array", "subarray",
    }
)  # fmt: skip
_RENAMED_ENVIRONMENTS = {
    "aligned": "align*",
    "alignedat": "align*",
    "alignat": "align*",
    "alignat*": "align*",
    "flalign": "align*",
    "flalign*": "align*",
    "eqnarray": "align*",
    "eqnarray*": "align*",
    "gathered": "gather*",
    "dcases": "cases",
    "dcases*": "cases",
    "cases*": "cases",
    "matrix*": "matrix",
    "pmatrix*": "pmatrix",
    "bmatrix*": "bmatrix",
}
# alignat and alignedat take the number of column pairs, which align* does not.
_COLUMN_COUNT_ENVIRONMENTS = frozenset({"alignat", "alignat*", "alignedat"})
_ENVIRONMENT_RE = re.compile(r"\\(begin|end)\s*\{([^{}]{0,40})\}(\s*\{\d{1,2}\})?")
# Labels and equation-number switches mean nothing on a web page.
_DROPPED_RE = re.compile(r"\\label\s*\{[^{}]{0,200}\}|\\nonumber\b|\\notag\b")
# Standard operator names latex2mathml does not know.
_MISSING_OPERATORS_RE = re.compile(r"\\(arg)(?![A-Za-z])")
# latex2mathml drops the spaces in \operatorname{arg\,max} and breaks \operatorname*;
# a thin-space character survives, and \limits does what the star means.
_OPERATORNAME_RE = re.compile(r"\\operatorname\s*(\*?)\s*\{([^{}]{1,80})\}")
_OPERATOR_SPACES_RE = re.compile(r"\\[,;:> ]|~")
_TEXT_COMMAND_RE = re.compile(
    r"\\(?:text|mbox|hbox|textrm|textbf|textit|textsf|texttt|textnormal|emph)\s*\{"
)


def _brace_problem(tex: str) -> str | None:
    depth = 0
    index = 0
    while index < len(tex):
        char = tex[index]
        if char == "\\":
            index += 2  # \{ and \} are literal braces
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return "a “}” has no “{” before it to close."
        index += 1
    if depth > 0:
        return "a “{” is never closed; add the “}” that ends it."
    return None


def _environment_problem(tex: str) -> str | None:
    stack: list[str] = []
    for kind, name, _ in _ENVIRONMENT_RE.findall(tex):
        name = name.strip()
        if kind == "begin":
            if name not in _KNOWN_ENVIRONMENTS and name not in _RENAMED_ENVIRONMENTS:
                return f"the environment “{name}” is not one this site can show."
            stack.append(name)
        elif not stack:
            return f"\\end{{{name}}} has no \\begin{{{name}}} before it."
        elif stack[-1] != name:
            return f"\\begin{{{stack[-1]}}} is ended by \\end{{{name}}}."
        else:
            stack.pop()
    if stack:
        return f"\\begin{{{stack[-1]}}} is never ended; add \\end{{{stack[-1]}}}."
    return None


def _rename_environment(match: re.Match) -> str:
    kind, name, columns = match.group(1), match.group(2).strip(), match.group(3) or ""
    if name in _RENAMED_ENVIRONMENTS:
        if name in _COLUMN_COUNT_ENVIRONMENTS and kind == "begin":
            columns = ""
        name = _RENAMED_ENVIRONMENTS[name]
    return f"\\{kind}{{{name}}}{columns}"


def _escape_text_arguments(tex: str) -> str:
    """``<``, ``>`` and ``&`` inside \\text{…} as XML entities, which latex2mathml copies."""
    out: list[str] = []
    last = 0
    for match in _TEXT_COMMAND_RE.finditer(tex):
        if match.start() < last:
            continue
        start = match.end()
        depth = 1
        index = start
        while index < len(tex) and depth:
            if tex[index] == "\\":
                index += 2
                continue
            depth += {"{": 1, "}": -1}.get(tex[index], 0)
            index += 1
        body = tex[start : index - 1] if depth == 0 else tex[start:index]
        body = body.replace("\\&", "&").replace("&", "&amp;")
        body = body.replace("<", "&lt;").replace(">", "&gt;")
        out.append(tex[last:start])
        out.append(body)
        last = index - 1 if depth == 0 else index
    out.append(tex[last:])
    return "".join(out)


def _operatorname(match: re.Match) -> str:
    star, name = match.group(1), match.group(2)
    name = _OPERATOR_SPACES_RE.sub("\u2009", name.replace("\\!", ""))
    return f"\\operatorname{{{name}}}" + ("\\limits" if star else "")


def _prepared(tex: str) -> str:
    tex = _DROPPED_RE.sub("", tex)
    tex = _ENVIRONMENT_RE.sub(_rename_environment, tex)
    tex = _MISSING_OPERATORS_RE.sub(r"\\operatorname{\1}", tex)
    tex = _OPERATORNAME_RE.sub(_operatorname, tex)
    return _escape_text_arguments(tex)


_EXCEPTION_PROBLEMS: dict[type[Exception], str] = {
    l2m.NoAvailableTokensError: "it ends too soon; a command is missing what should follow it "
    "(say, the second {…} of \\frac).",
    l2m.MissingSuperScriptOrSubscriptError: "a ^ or _ has nothing after it.",
    l2m.DoubleSubscriptsError: "two subscripts in a row (write x_{ij} or {x_i}_j).",
    l2m.DoubleSuperscriptsError: "two superscripts in a row (write x^{ab} or {x^a}^b).",
    l2m.ExtraLeftOrMissingRightError: "a \\left has no \\right, or a \\right no \\left "
    "(write \\right. for an invisible one).",
    l2m.MissingEndError: "a \\begin{…} is never ended.",
    l2m.NumeratorNotFoundError: "a fraction has nothing above its line.",
    l2m.DenominatorNotFoundError: "a fraction has nothing below its line.",
    l2m.InvalidStyleForGenfracError: "\\genfrac has a style that is not 0, 1, 2 or 3.",
    l2m.InvalidAlignmentError: "an array's column alignment is not l, c or r.",
    l2m.InvalidWidthError: "a width is not a length such as 1em.",
    l2m.LimitsMustFollowMathOperatorError: "\\limits must follow an operator such as \\sum.",
}
_UNREADABLE = "it is not TeX this site can read."

# How many children each element needs; latex2mathml leaves out missing arguments.
_ARITY = {
    "mfrac": 2, "msub": 2, "msup": 2, "msubsup": 3, "munder": 2, "mover": 2,
    "munderover": 3, "mroot": 2,
}  # fmt: skip
_ARITY_PROBLEMS = {
    "mfrac": "a fraction is missing its numerator or denominator (\\frac takes two {…}).",
    "mroot": "a root is missing what is under it.",
}


# --------------------------------------------------------------------------
# Fixes on the MathML
# --------------------------------------------------------------------------

# Limits of these go under and over in display math, as in TeX.
_LIMIT_SYMBOLS = frozenset("∑∏∐⋀⋁⋂⋃⨀⨁⨂⨄⨆")
_LIMIT_NAMES = frozenset(
    {"lim", "liminf", "limsup", "max", "min", "sup", "inf", "det", "gcd", "Pr",
     "argmax", "argmin", "injlim", "projlim"}
)  # fmt: skip
# Multi-letter operators that are binary operators, not function names.
_NOT_FUNCTION_NAMES = frozenset({"mod"})
_SCRIPTED = {"msub": "munder", "msup": "mover", "msubsup": "munderover"}
_OPENERS = frozenset("([{⟨⌈⌊|‖")
_CLOSERS = frozenset(")]}⟩⌉⌋|‖")
_SPACE_CHARS_RE = re.compile(r"[\s\u2006\u2009\u00a0]+")


def _local(element) -> str:
    tag = element.tag
    return tag[len(_NS) :] if isinstance(tag, str) and tag.startswith(_NS) else str(tag)


def _element(name: str, text: str | None = None, **attrs: str):
    element = etree.Element(
        _NS + name, {key.replace("_", ""): value for key, value in attrs.items()}
    )
    element.text = text
    return element


def _own_text(element) -> str:
    return "" if len(element) else (element.text or "")


def _operator_name(element) -> str | None:
    """The name of a function-like operator (``log``, ``lim inf``), else None."""
    if _local(element) not in ("mi", "mo") or len(element) or element.get("mathvariant"):
        return None
    text = element.text or ""
    letters = _SPACE_CHARS_RE.sub("", text)
    if len(letters) < 2 or not letters.isalpha() or letters in _NOT_FUNCTION_NAMES:
        return None
    return letters


def _operator_base(element):
    """The operator at the core of ``element`` (itself, or the base of its scripts)."""
    while _local(element) in ("msub", "msup", "msubsup", "munder", "mover", "munderover"):
        if not len(element):
            return None
        element = element[0]
    return element


def _takes_limits(base) -> bool:
    if _local(base) != "mo" or len(base):
        return False
    name = _SPACE_CHARS_RE.sub("", base.text or "")
    return name in _LIMIT_SYMBOLS or name in _LIMIT_NAMES or base.get("movablelimits") == "true"


def _limits_under_and_over(root, display: bool) -> None:
    """Limits under and over in display math, beside in inline math (``movablelimits``)."""
    if display:
        for element in list(root.iter(*(_NS + name for name in _SCRIPTED))):
            if len(element) and _takes_limits(element[0]):
                element.tag = _NS + _SCRIPTED[_local(element)]
        for element in root.iter(*(_NS + name for name in _SCRIPTED.values())):
            if len(element) and _takes_limits(element[0]):
                element[0].set("movablelimits", "true")
    # \operatorname*{…} (written as \limits): under in display, beside inline, as in TeX.
    for element in root.iter(*(_NS + name for name in _SCRIPTED.values())):
        if len(element) and _local(element[0]) == "mo" and _operator_name(element[0]):
            element[0].set("movablelimits", "true")


def _is_opening(element) -> bool:
    if element is None:
        return False
    if _local(element) == "mrow" and len(element):
        return _is_opening(element[0])
    return _local(element) == "mo" and (
        element.get("form") == "prefix" or _own_text(element).strip() in _OPENERS
    )


def _space_before(previous) -> bool:
    if previous is None:
        return False
    name = _local(previous)
    if name == "mspace":
        return False
    if name == "mo":
        return _own_text(previous).strip() in _CLOSERS and previous.get("form") != "prefix"
    return True


def _space_after(following) -> bool:
    if following is None:
        return False
    name = _local(following)
    if name in ("mo", "mspace"):
        return False
    return not _is_opening(following)


def _function_spacing(root) -> None:
    """``\\log D``: log, U+2061, a thin space, D, as TeX spaces an operator name."""
    atoms = []
    for element in root.iter():
        parent = element.getparent()
        if parent is None or _local(parent) in _ARITY or _local(parent) in ("mi", "mo"):
            continue  # a base or a script: its scripted whole is the atom, or none is
        base = _operator_base(element)
        if base is not None and _operator_name(base):
            atoms.append(element)
    for atom in atoms:
        base = _operator_base(atom)
        if base is not None and _local(base) == "mo":
            base.set("lspace", "0")
            base.set("rspace", "0")
        parent = atom.getparent()
        previous, following = atom.getprevious(), atom.getnext()
        position = parent.index(atom)
        if _space_before(previous):
            parent.insert(position, _element("mspace", width=THIN_SPACE))
            position += 1
        parent.insert(position + 1, _element("mo", FUNCTION_APPLICATION))
        if _space_after(following):
            parent.insert(position + 2, _element("mspace", width=THIN_SPACE))


def _stretchy_matrix_fences(root) -> None:
    """``(`` table ``)`` as latex2mathml writes pmatrix: grouped, so the brackets stretch."""
    for table in list(root.iter(_NS + "mtable")):
        before, after = table.getprevious(), table.getnext()
        if before is None or after is None or _local(before) != "mo" or _local(after) != "mo":
            continue
        if _own_text(before).strip() not in _OPENERS or _own_text(after).strip() not in _CLOSERS:
            continue
        parent = table.getparent()
        for mo, form in ((before, "prefix"), (after, "postfix")):
            mo.set("stretchy", "true")
            mo.set("fence", "true")
            mo.set("form", form)
        if len(parent) > 3 or _local(parent) != "mrow":
            group = _element("mrow")
            parent.insert(parent.index(before), group)
            group.extend([before, table, after])


def _fixed_size_brackets(root) -> None:
    """A bracket written without \\left/\\right (``\\lVert x \\rVert``, ``|x|``) keeps
    its size, as in TeX; MathML would stretch ``|`` and ``‖`` to the whole row."""
    for mo in root.iter(_NS + "mo"):
        text = _own_text(mo).strip()
        if (text in _OPENERS or text in _CLOSERS) and mo.get("stretchy") is None:
            mo.set("stretchy", "false")


def _lines_as_rows(root) -> None:
    """gather and multline: lines split by ``linebreak`` become rows of a table."""
    for mrow in list(root.iter(_NS + "mrow")):
        breaks = [child for child in mrow if child.get("linebreak") == "newline"]
        if not breaks:
            continue
        table = _element("mtable", displaystyle="true", rowspacing="0.5em")
        row: list = []
        for child in list(mrow):
            mrow.remove(child)
            if child.get("linebreak") == "newline":
                table.append(_table_row(row))
                row = []
            else:
                row.append(child)
        table.append(_table_row(row))
        mrow.append(table)


def _table_row(children: list):
    cell = _element("mtd")
    cell.extend(children)
    row = _element("mtr")
    row.append(cell)
    return row


def _mark_unknown_commands(root) -> tuple[str, ...]:
    """``\\foo`` comes out as an ``<mi>``; it is shown as an error, and named."""
    unknown: list[str] = []
    for element in list(root.iter(_NS + "mi", _NS + "mo")):
        text = _own_text(element)
        if text.startswith("\\") and len(text) > 1:
            command = text.split("{")[0]
            if command not in unknown:
                unknown.append(command)
            error = _element("merror")
            error.append(_element("mtext", text))
            error.tail = element.tail
            element.getparent().replace(element, error)
    return tuple(f"{command} is not a command this site knows." for command in unknown)


def _arity_problem(root) -> str | None:
    for element in root.iter(*(_NS + name for name in _ARITY)):
        name = _local(element)
        if len(element) != _ARITY[name]:
            return _ARITY_PROBLEMS.get(name, "a ^, _ or \\frac is missing part of what it needs.")
    return None


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def convert(tex: str, *, display: bool) -> Formula:
    """MathML for ``tex`` (already trimmed of its delimiters), or why it cannot be read.

    Never raises. The MathML carries ``tex`` in an ``application/x-tex`` annotation.
    """
    if len(tex) > MAX_TEX_CHARS:
        return Formula(None, f"it is longer than {MAX_TEX_CHARS:,} characters.")
    problem = _brace_problem(tex) or _environment_problem(tex)
    if problem:
        return Formula(None, problem)
    try:
        raw = latex_to_mathml(_prepared(tex), display="block" if display else "inline")
        root = etree.fromstring(raw.encode(), _PARSER)
    except Exception as exc:  # latex2mathml raises many types on malformed TeX
        return Formula(None, _EXCEPTION_PROBLEMS.get(type(exc), _UNREADABLE))
    problem = _arity_problem(root)
    if problem:
        return Formula(None, problem)
    notes = _mark_unknown_commands(root)
    if display:
        root.set("displaystyle", "true")
    _limits_under_and_over(root, display)
    _lines_as_rows(root)
    _stretchy_matrix_fences(root)
    _fixed_size_brackets(root)
    _function_spacing(root)
    text_chars = sum(
        len(element.text or "")
        for element in root.iter(_NS + "mi", _NS + "mn", _NS + "mo", _NS + "mtext", _NS + "ms")
    )
    return Formula(_with_annotation(root, tex), None, notes, text_chars)


def _with_annotation(root, tex: str) -> str:
    """``<math>`` whose body is wrapped in semantics + the TeX annotation, as a string."""
    body = _element("mrow")
    body.extend(list(root))
    semantics = _element("semantics")
    semantics.append(body)
    semantics.append(_element("annotation", tex, encoding=TEX_ENCODING))
    root.append(semantics)
    return etree.tostring(root, encoding="unicode")
