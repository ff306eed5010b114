"""One rule for characters that must never be stored: ``clean_text``.

Call it on every piece of text that enters from outside (forms, the API,
imports) before validating or saving it; the renderer calls it too.
"""

import re

from django.core.exceptions import ValidationError

# Removed: C0 controls except tab and newline (CR is turned into a newline
# first), DEL and the C1 controls, the bidi embeddings, overrides and isolates
# that can make text read differently from how it is stored ("Trojan Source"),
# a byte order mark anywhere, lone surrogates (they cannot be encoded as
# UTF-8) and U+FFFE/U+FFFF. Of these, XML 1.0 forbids the C0 controls,
# surrogates and U+FFFE/U+FFFF outright, so a feed with one of them fails to
# parse. Kept: marks that real scripts need (ZWJ, ZWNJ, LRM, RLM, soft hyphen).
_UNWANTED_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff\ufffe\uffff]+"
)


def clean_text(text: str) -> str:
    """``text`` with newlines as ``\\n`` and control, bidi-override and other unsafe
    invisible characters removed; every other character is kept as it is.

    Idempotent, and the result is always valid in XML 1.0 and UTF-8.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNWANTED_RE.sub("", text)


def one_line_title(title: str | None, *, limit: int, missing: str) -> str:
    """``title`` cleaned, on one line with single spaces; ``missing`` is the error for an
    empty one, and one over ``limit`` characters is refused too."""
    title = " ".join(clean_text(title or "").split())
    if not title:
        raise ValidationError(missing)
    if len(title) > limit:
        raise ValidationError(
            f"A title can be at most {limit} characters; this one has {len(title):,}."
        )
    return title
