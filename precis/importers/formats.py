"""Recognise what a saved file is from its content, and turn it into records."""

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

from .base import ImportProblem, PaperRecord

FORMATS = ("arxiv-atom", "arxiv-oai", "dblp", "crossref", "bibtex")
GZIP_MAGIC = b"\x1f\x8b"
DBLP_RECORD_START = re.compile(
    rb"<(article|inproceedings|proceedings|book|incollection|phdthesis|mastersthesis|www|data)\s[^>]*key="
)


def detect_format(path: Path) -> str:
    """One of FORMATS, judged from the first bytes; raises ValueError when unrecognisable."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if head.startswith(GZIP_MAGIC):
        with gzip.open(path, "rb") as handle:
            head = handle.read(8192)
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    lowered = text.lower()
    if b"<oai-pmh" in lowered:
        return "arxiv-oai"
    if b"<feed" in lowered and b"arxiv" in lowered:
        return "arxiv-atom"
    if b"<!doctype dblp" in lowered or b"<dblp>" in lowered or DBLP_RECORD_START.search(text):
        return "dblp"
    if text.startswith((b"{", b"[")):
        return "arxiv-atom" if b'"http_response"' in text or b"<feed" in text else "crossref"
    if text.startswith(b"interactions:") or b"\ninteractions:" in text:
        return "crossref"
    if b"@" in text or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "bibtex"
    raise ValueError(f"{path}: cannot tell what kind of file this is; pass --format.")


def read_records(
    path: Path, fmt: str, *, macros: bytes | None = None
) -> Iterator[PaperRecord | ImportProblem]:
    """Records from one saved file of format ``fmt`` (see FORMATS)."""
    if fmt == "dblp":
        from .dblp.parse import iter_dump

        yield from iter_dump(path)
    elif fmt == "arxiv-oai":
        from .arxiv.oai import parse_oai_page

        page = parse_oai_page(_read(path))
        if page.failed:
            yield ImportProblem(str(path), f"OAI-PMH error {page.error_code}: {page.error_message}")
        yield from page.records
    elif fmt == "arxiv-atom":
        from .arxiv.parse import parse_atom, unwrap_capture

        data = _read(path)
        if data.lstrip().startswith(b"{"):
            data = unwrap_capture(data)
        yield from parse_atom(data)
    elif fmt == "crossref":
        yield from _crossref(path)
    elif fmt == "bibtex":
        from .bibtex.parse import parse_bibtex

        yield from parse_bibtex(_read(path), macros=macros)
    else:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _crossref(path: Path) -> Iterator[PaperRecord | ImportProblem]:
    from .crossref import parse

    data = _read(path)
    if not data.lstrip().startswith((b"{", b"[")):
        yield from parse.records_from_cassette(data)
        return
    try:
        document = json.loads(data)
    except json.JSONDecodeError as exc:
        yield ImportProblem(str(path), f"not valid JSON: {exc}")
        return
    message = document.get("message", document) if isinstance(document, dict) else None
    if isinstance(message, dict) and isinstance(message.get("items"), list):
        yield from parse.parse_works_list(document)
        return
    try:
        yield parse.parse_work(document)
    except ValueError as exc:
        yield ImportProblem(str(path), str(exc))


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        head = handle.read(2)
    opener = gzip.open if head == GZIP_MAGIC else open
    with opener(path, "rb") as handle:
        return handle.read()
