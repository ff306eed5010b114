"""A small BibTeX writer: one entry per paper, values escaped so any BibTeX reader takes them.

Text fields escape the characters TeX treats specially and keep Unicode as is
(biber and modern bibtex read UTF-8). Identifier fields (doi, eprint, url) are
kept verbatim, since a ``\\_`` inside a URL would break it; only braces are
percent-encoded there, as nothing else can unbalance a ``{…}`` value.
"""

import re
import unicodedata

from precis.lib import identifiers

# Order matters only for the backslash, which must go first.
TEX_SPECIAL = [
    ("\\", r"\textbackslash{}"),
    ("{", r"\{"),
    ("}", r"\}"),
    ("&", r"\&"),
    ("%", r"\%"),
    ("$", r"\$"),
    ("#", r"\#"),
    ("_", r"\_"),
    ("~", r"\textasciitilde{}"),
    ("^", r"\textasciicircum{}"),
]
_TEX_SPECIAL_RE = re.compile("|".join(re.escape(char) for char, _ in TEX_SPECIAL))
_TEX_REPLACEMENT = dict(TEX_SPECIAL)
# Characters a citation key may not contain (BibTeX and biber both choke on them).
_KEY_FORBIDDEN = re.compile(r"[\s,{}()\"'#%~=\\]")
JOURNAL_TYPES = {"journal", "jmlr", "nature", "tmlr", "pami", "jair"}


def escape(text: str) -> str:
    """``text`` as the inside of a braced BibTeX value that typesets as ``text``."""
    return _TEX_SPECIAL_RE.sub(
        lambda match: _TEX_REPLACEMENT[match.group()], " ".join(text.split())
    )


def verbatim(text: str) -> str:
    """An identifier or URL: unchanged except for braces, which would unbalance the value."""
    return text.strip().replace("{", "%7B").replace("}", "%7D")


def _ascii_word(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^A-Za-z0-9]", "", text.encode("ascii", "ignore").decode())


def citation_key(paper) -> str:
    """The paper's BibTeX or DBLP key when it has one, else ``surnameYEARfirstword``."""
    key = paper.identifier("bibtex") or (
        f"DBLP:{paper.identifier('dblp')}" if paper.identifier("dblp") else ""
    )
    if key and not _KEY_FORBIDDEN.search(key):
        return key
    authors = paper.ordered_authors()
    surname = _ascii_word(authors[0].name.split()[-1]).lower() if authors else ""
    words = [_ascii_word(word).lower() for word in paper.title.split()]
    first = next((word for word in words if len(word) > 3), next((w for w in words if w), ""))
    return f"{surname or 'paper'}{paper.year or ''}{first}" or f"paper{paper.pk}"


def entry(paper, *, key: str) -> str:
    """One ``@article``/``@inproceedings``/``@misc`` entry for ``paper``."""
    fields: list[tuple[str, str]] = [("title", "{" + escape(paper.title) + "}")]
    authors = [author.name for author in paper.ordered_authors()]
    if authors:
        fields.append(("author", " and ".join(escape(name) for name in authors)))
    if paper.year:
        fields.append(("year", str(paper.year)))
    kind = "misc"
    venue = paper.venue
    if venue is not None and venue.key != "arxiv":
        if venue.key in JOURNAL_TYPES or "journal" in venue.name.lower():
            kind = "article"
            fields.append(("journal", escape(venue.name)))
        else:
            kind = "inproceedings"
            fields.append(("booktitle", escape(venue.name)))
    if doi := paper.identifier("doi"):
        fields.append(("doi", verbatim(doi)))
    if arxiv := paper.identifier("arxiv"):
        fields.append(("eprint", verbatim(arxiv)))
        fields.append(("archivePrefix", "arXiv"))
    url = paper.url or (identifiers.arxiv_url(arxiv) if arxiv else "")
    if url:
        fields.append(("url", verbatim(url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def write(papers) -> str:
    """A BibTeX file with one entry per paper; generated keys are made unique with a suffix."""
    used: set[str] = set()
    entries = []
    for paper in papers:
        base = key = citation_key(paper)
        suffix = ord("a")
        while key in used:
            key = f"{base}{chr(suffix)}"
            suffix += 1
        used.add(key)
        entries.append(entry(paper, key=key))
    return "\n".join(entries)
