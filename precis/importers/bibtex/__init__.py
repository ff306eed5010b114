"""BibTeX / BibLaTeX import: ``parse_bibtex(data, macros=...)`` yields ``PaperRecord``s and
``ImportProblem``s; ``decode_bibtex(bytes)`` says which encoding a file was read in."""

from precis.importers.bibtex.parse import (
    DecodedText,
    EncodingNotice,
    decode_bibtex,
    latex_to_unicode,
    parse_bibtex,
    parse_names,
    read_bibtex,
)

__all__ = [
    "DecodedText",
    "EncodingNotice",
    "decode_bibtex",
    "latex_to_unicode",
    "parse_bibtex",
    "parse_names",
    "read_bibtex",
]
