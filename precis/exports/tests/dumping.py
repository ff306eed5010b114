"""Reading a public data dump back, as a downloader would: every file, every line."""

import gzip
import json
from pathlib import Path

from precis.exports import dumps


def write(root: Path, keep: int = 3) -> Path:
    return dumps.write_dump(root, keep=keep)


def texts(path: Path) -> dict[str, str]:
    """File name → its whole text, decompressed (the manifest as it is)."""
    found = {}
    for file in sorted(path.iterdir()):
        data = file.read_bytes()
        if file.name.endswith(".gz"):
            data = gzip.decompress(data)
        found[file.name] = data.decode("utf-8")  # strict: invalid UTF-8 fails the test
    return found


def records(path: Path) -> dict[str, list[dict]]:
    """Kind → its records, each line parsed on its own as JSON Lines requires."""
    found = {}
    for name, text in texts(path).items():
        if not name.endswith(".jsonl.gz"):
            continue
        assert text == "" or text.endswith("\n"), name
        lines = text.split("\n")[:-1] if text else []
        # Every reader's idea of a line is the same one: no U+2028, NEL and the like.
        assert len(lines) == len(text.splitlines()), name
        found[name.removesuffix(".jsonl.gz")] = [json.loads(line) for line in lines]
    return found


def manifest(path: Path) -> dict:
    return json.loads((path / dumps.MANIFEST).read_text(encoding="utf-8"))
