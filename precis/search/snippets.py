"""Search snippets without raw LaTeX: formulas become readable text ("Âₜ = ∑ᵢ rᵢ/√dₖ").

A snippet is a few dozen words cut out of a document, so it may begin or end inside
a formula; such a broken piece is dropped for "…" rather than shown half-converted.
Summaries' formulas are stored between ``\\(`` and ``\\)`` (search.documents marks
them); titles and abstracts keep the ``$…$`` their source wrote.
"""

import re
import unicodedata

from .backends import MARK_END, MARK_START

ELLIPSIS = "…"
# Past this, a formula is not worth converting in a snippet (and nesting this deep is abuse).
MAX_TEX_CHARS = 2000
MAX_DEPTH = 40
MATH_SPAN = re.compile(
    r"\$\$(?P<a>.+?)\$\$|\\\[(?P<b>.+?)\\\]|\\\((?P<c>.+?)\\\)|\$(?P<d>[^$]+?)\$", re.DOTALL
)
BARE_TEX = re.compile(r"[^\s$]*(?:\\[A-Za-z]+|[_^]\{)[^\s$]*")
SPACE_AFTER_OPENER = re.compile(r"([(\[⟨]) ")
SPACE_BEFORE_CLOSER = re.compile(r" ([;,)\]⟩])")
RUN_OF_ELLIPSES = re.compile(rf"{ELLIPSIS}(?:\s*{ELLIPSIS})+")
ONE_TERM = re.compile(r"[^\s+\-=/<>,;:()\[\]{}|]*")
MARKS = re.compile(f"[{MARK_START}{MARK_END}]")
TEX_LIKE = re.compile(r"\\[A-Za-z]+|[\^_]\{?|[{}]")

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ",
    "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ",
    "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ",
    "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}  # fmt: skip
SYMBOLS = {
    **GREEK,
    "sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "iint": "∬", "oint": "∮",
    "partial": "∂", "nabla": "∇", "infty": "∞", "pm": "±", "mp": "∓", "times": "×",
    "div": "÷", "cdot": "·", "ast": "∗", "star": "⋆", "circ": "∘", "bullet": "•",
    "oplus": "⊕", "otimes": "⊗", "odot": "⊙", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "cong": "≅",
    "equiv": "≡", "propto": "∝", "ll": "≪", "gg": "≫", "in": "∈", "notin": "∉", "ni": "∋",
    "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇", "cup": "∪", "cap": "∩",
    "bigcup": "⋃", "bigcap": "⋂", "setminus": "∖", "emptyset": "∅", "varnothing": "∅",
    "forall": "∀", "exists": "∃", "neg": "¬", "lnot": "¬", "land": "∧", "wedge": "∧",
    "lor": "∨", "vee": "∨", "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "leftrightarrow": "↔", "Leftrightarrow": "⇔",
    "iff": "⇔", "implies": "⇒", "mapsto": "↦", "uparrow": "↑", "downarrow": "↓",
    "langle": "⟨", "rangle": "⟩", "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋",
    "|": "‖", "Vert": "‖", "vert": "|", "mid": "|", "parallel": "∥", "perp": "⊥", "top": "⊤",
    "bot": "⊥", "prime": "′", "ell": "ℓ", "hbar": "ℏ", "Re": "ℜ", "Im": "ℑ", "aleph": "ℵ",
    "dagger": "†", "ldots": "…", "dots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
    "quad": " ", "qquad": " ", "colon": ":", "lbrace": "{", "rbrace": "}", "backslash": "\\",
    "degree": "°", "angle": "∠", "triangle": "△", "square": "□", "checkmark": "✓",
    "dag": "†", "S": "§", "P": "¶", "copyright": "©", "textbackslash": "\\",
    "textendash": "–", "textemdash": "—", "LaTeX": "LaTeX", "TeX": "TeX",
}  # fmt: skip
FUNCTIONS = frozenset(
    (
        "log",
        "ln",
        "lg",
        "exp",
        "sin",
        "cos",
        "tan",
        "cot",
        "sec",
        "csc",
        "arcsin",
        "arccos",
        "arctan",
        "sinh",
        "cosh",
        "tanh",
        "max",
        "min",
        "sup",
        "inf",
        "lim",
        "liminf",
        "limsup",
        "arg",
        "argmax",
        "argmin",
        "det",
        "dim",
        "ker",
        "deg",
        "gcd",
        "hom",
        "Pr",
        "mod",
        "bmod",
        "softmax",
    )
)
# Commands whose one argument is shown as it is (fonts, text, wrappers).
PLAIN_ARGUMENT = frozenset(
    (
        "mathbf",
        "mathrm",
        "mathit",
        "mathsf",
        "mathtt",
        "mathnormal",
        "boldsymbol",
        "bm",
        "text",
        "textrm",
        "textbf",
        "textit",
        "textsf",
        "texttt",
        "textnormal",
        "emph",
        "mbox",
        "hbox",
        "operatorname",
        "underline",
        "overline",
        "underbrace",
        "overbrace",
        "mathop",
        "mathrel",
        "mathbin",
        "mathord",
        "displaylimits",
        "textsc",
        "textup",
        "uline",
    )
)
DROPPED_ARGUMENT = frozenset(("label", "tag", "ref", "eqref", "cite", "citep", "citet", "url"))
IGNORED = frozenset(
    (
        "left",
        "right",
        "big",
        "Big",
        "bigg",
        "Bigg",
        "bigl",
        "bigr",
        "Bigl",
        "Bigr",
        "biggl",
        "biggr",
        "Biggl",
        "Biggr",
        "middle",
        "displaystyle",
        "textstyle",
        "scriptstyle",
        "scriptscriptstyle",
        "limits",
        "nolimits",
        "nonumber",
        "notag",
        "noindent",
        "centering",
        "small",
        "large",
        "Large",
        "normalsize",
        "tiny",
        "footnotesize",
    )
)
ACCENTS = {
    "hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "tilde": "\u0303",
    "widetilde": "\u0303", "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308",
    "check": "\u030c", "breve": "\u0306", "acute": "\u0301", "grave": "\u0300",
    "'": "\u0301", "`": "\u0300", '"': "\u0308", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "c": "\u0327", "u": "\u0306", "v": "\u030c",
    "H": "\u030b", "r": "\u030a",
}  # fmt: skip
TEXT_ACCENTS = frozenset("'`\"^~=.")
DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "E": "𝔼",
                 "H": "ℍ", "1": "𝟙"}  # fmt: skip
SCRIPT = {"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ"}
SUPERSCRIPT = dict(
    zip(
        "0123456789+-=()nitabcdefghjklmoprsuvwxyz*′",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵗᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵘᵛʷˣʸᶻ*′",
        strict=True,
    )
)
SUPERSCRIPT.update({"T": "ᵀ", "⊤": "ᵀ", "−": "⁻"})
SUBSCRIPT = dict(
    zip(
        "0123456789+-=()aehijklmnoprstuvxβγρφχ",
        "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
        strict=True,
    )
)
ENVIRONMENT_BRACKETS = {
    "pmatrix": ("(", ")"), "bmatrix": ("[", "]"), "Bmatrix": ("{", "}"),
    "vmatrix": ("|", "|"), "Vmatrix": ("‖", "‖"), "cases": ("{ ", ""),
}  # fmt: skip


def readable_snippet(snippet: str) -> str:
    """``snippet`` (with its highlight markers) with every formula as readable text, and
    any formula cut in two by the snippet's edges dropped for "…"."""
    if not snippet:
        return snippet
    text = ELLIPSIS.join(_readable_fragment(fragment) for fragment in snippet.split(ELLIPSIS))
    text = " ".join(RUN_OF_ELLIPSES.sub(ELLIPSIS, text).split())
    return text if text.strip(MARK_START + MARK_END + ELLIPSIS + " ") else ""


def readable_text(text: str) -> str:
    """Plain text with its formulas (``$…$``, ``\\(…\\)`` and the like) as readable text."""
    return " ".join(_readable_fragment(text or "").split())


def _readable_fragment(fragment: str) -> str:
    parts = []
    position = 0
    for match in MATH_SPAN.finditer(fragment):
        parts.append(_outside_math(fragment[position : match.start()]))
        tex = next(group for group in match.groups() if group is not None)
        parts.append(_formula(tex))
        position = match.end()
    rest = fragment[position:]
    parts.append(_outside_math(rest))
    return "".join(parts)


def _outside_math(text: str) -> str:
    """Text between formulas: a formula the snippet cut shows as "…"; TeX commands
    written in prose (``\\emph{…}``, ``\\'e``) become what they mean."""
    if "\\)" in text or "\\]" in text:  # the end of a formula whose start was cut off
        cut = max(text.rfind("\\)"), text.rfind("\\]")) + 2
        text = ELLIPSIS + " " + text[cut:]
    for opener in ("\\(", "\\[", "$$"):
        if opener in text:  # the start of a formula whose end was cut off
            text = text[: text.index(opener)] + " " + ELLIPSIS
    if text.count("$") % 2 == 1:
        text = _drop_cut_dollar_formula(text)
    # TeX outside delimiters (a document indexed before formulas were marked, or
    # written so): each run of it as a formula.
    text = BARE_TEX.sub(lambda match: tex_to_text(match.group(), math=True), text)
    if "\\" in text:
        text = tex_to_text(text, math=False)
    return text


def _drop_cut_dollar_formula(text: str) -> str:
    """One unpaired ``$``: the formula it opens (or closes) was cut by the snippet's edge.
    Whichever side of it reads more like TeX is the formula."""
    first, last = text.index("$"), text.rindex("$")
    before, after = text[:first], text[last + 1 :]
    if first == last and not (TEX_LIKE.search(before) or TEX_LIKE.search(after)):
        return text  # a lone dollar sign in prose ("costs $5")
    if _tex_density(before) >= _tex_density(after):
        return ELLIPSIS + " " + text[first + 1 :]
    return text[:last] + " " + ELLIPSIS


def _tex_density(text: str) -> float:
    return len(TEX_LIKE.findall(text)) / (len(text) + 1)


def _formula(tex: str) -> str:
    """One formula as readable text; highlighted inside, it is highlighted whole."""
    marked = MARK_START in tex
    readable = tex_to_text(MARKS.sub("", tex), math=True).strip()
    if marked and readable:
        return f"{MARK_START}{readable}{MARK_END}"
    return readable


def tex_to_text(tex: str, *, math: bool = True) -> str:
    """TeX as readable Unicode text; never raises. ``math``: the TeX is a formula
    (scripts, ``&``, ``~`` mean something); otherwise only commands are converted."""
    if len(tex) > MAX_TEX_CHARS:
        return _stripped(tex)
    try:
        text = _Reader(tex, math).read()
    except RecursionError:
        return _stripped(tex)
    if math:  # TeX's spacing is its own: "( a b \\ c )" reads "(a b; c)"
        text = SPACE_BEFORE_CLOSER.sub(r"\1", SPACE_AFTER_OPENER.sub(r"\1", " ".join(text.split())))
    return text


def _stripped(tex: str) -> str:
    """The last resort for TeX too long or deep to convert: its words, without markup."""
    return re.sub(r"[\\{}^_$]+", " ", tex)


class _Reader:
    def __init__(self, tex: str, math: bool):
        self.tex = tex
        self.at = 0
        self.math = math
        self.depth = 0

    def read(self) -> str:
        return self._sequence(closing=False)

    def _sequence(self, *, closing: bool) -> str:
        """Atoms up to the closing brace of a group (consumed) or the end."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise RecursionError
        out = []
        while self.at < len(self.tex):
            char = self.tex[self.at]
            if char == "}" and (closing or self.math):
                self.at += 1
                if closing:
                    break
                continue  # a stray closing brace in a formula
            out.append(self._atom())
        self.depth -= 1
        return "".join(out)

    def _atom(self) -> str:
        char = self.tex[self.at]
        self.at += 1
        if char == "\\":
            return self._command()
        if not self.math:
            return char
        if char == "{":
            return self._sequence(closing=True)
        if char in "^_":
            return _script(self._argument(), superscript=char == "^")
        if char in "&~":
            return " "
        if char == "'":
            return "′"
        return char

    def _argument(self) -> str:
        """One argument: a braced group, a command, or one character."""
        while self.at < len(self.tex) and self.tex[self.at] == " ":
            self.at += 1
        if self.at >= len(self.tex):
            return ""
        char = self.tex[self.at]
        self.at += 1
        if char == "{":
            return self._sequence(closing=True)
        if char == "\\":
            return self._command()
        return char

    def _optional(self) -> str:
        if self.tex.startswith("[", self.at):
            end = self.tex.find("]", self.at)
            if end > 0:
                value = self.tex[self.at + 1 : end]
                self.at = end + 1
                return value
        return ""

    def _command(self) -> str:
        match = re.compile(r"[A-Za-z]+\*?|.", re.DOTALL).match(self.tex, self.at)
        if not match:
            return ""
        name = match.group().rstrip("*")
        self.at = match.end()
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in FUNCTIONS:
            following = self.tex[self.at : self.at + 1]
            return name + (" " if following.isalnum() or following == "\\" else "")
        if name in PLAIN_ARGUMENT:
            return self._argument()
        if name in DROPPED_ARGUMENT:
            self._argument()
            return ""
        if name in IGNORED:
            if name in ("left", "right", "middle") and self.tex.startswith(".", self.at):
                self.at += 1
            return ""
        if name in ACCENTS and (name.isalpha() or not self.math or name in TEXT_ACCENTS):
            return _accented(self._argument(), ACCENTS[name])
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            numerator, denominator = self._argument(), self._argument()
            return f"{_wrapped(numerator)}/{_wrapped(denominator)}"
        if name == "binom":
            top, bottom = self._argument(), self._argument()
            return f"({top} choose {bottom})"
        if name == "sqrt":
            index = self._optional()
            root = {"": "√", "3": "∛", "4": "∜"}.get(index.strip(), f"{index}√")
            return root + _wrapped(self._argument())
        if name == "mathbb":
            argument = self._argument()
            return "".join(DOUBLE_STRUCK.get(char, char) for char in argument)
        if name in ("mathcal", "mathscr"):
            argument = self._argument()
            return "".join(SCRIPT.get(char, char) for char in argument)
        if name in ("overset", "underset", "stackrel"):
            self._argument()
            return self._argument()
        if name == "not":
            return _accented(self._argument(), "\u0338")
        if name in ("begin", "end"):
            environment = self._argument().rstrip("*")
            brackets = ENVIRONMENT_BRACKETS.get(environment, ("", ""))
            return brackets[0] if name == "begin" else brackets[1]
        if name == "\\":
            return "; " if self.math else " "
        if name in (",", ";", ":", " ", ">", "\n"):
            return " "
        if name == "!":
            return ""
        if not name.isalpha():
            return name  # \{ \} \$ \% \& \# \_
        return name  # an unknown command reads best as its name


def _script(argument: str, *, superscript: bool) -> str:
    table = SUPERSCRIPT if superscript else SUBSCRIPT
    argument = argument.strip()
    if argument and all(char in table for char in argument):
        return "".join(table[char] for char in argument)
    sign = "^" if superscript else "_"
    if len(argument) <= 1 or argument.isalnum():
        return sign + argument
    return f"{sign}({argument})"


def _wrapped(text: str) -> str:
    """A fraction's part: in brackets unless it is one term ("∂L", "dₖ", "(a+b)")."""
    text = text.strip()
    if ONE_TERM.fullmatch(text.replace(" ", "")):
        return text.replace(" ", "")
    if text[:1] in "([" and text[-1:] in ")]":
        return text
    return f"({text})"


def _accented(text: str, mark: str) -> str:
    if len(text) == 1:
        return unicodedata.normalize("NFC", text + mark)
    return text
