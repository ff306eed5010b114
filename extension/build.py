"""Package the browser extension: dist/precis-chromium.zip and dist/precis-firefox.zip.

One source (this folder) makes both. Each zip gets its own manifest: Chromium's
runs background.js as a service worker and drops the Firefox-only settings;
Firefox's runs the same scripts as an event page (Firefox has no extension
service workers). The zips are deterministic: same sources, same bytes (sorted
entries, fixed timestamps and permissions).

    python extension/build.py [--out dist] [--server https://precis.example.org]

``--server`` (or EXTENSION_SERVER_URL) sets the server a fresh install asks;
without it, the demo's http://127.0.0.1:8000. Standard library only.
"""

import argparse
import hashlib
import io
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

SOURCE = Path(__file__).resolve().parent
BROWSERS = ("chromium", "firefox")
# Everything the extension loads; tests, tools, this script and the README stay out.
FILES = (
    "background.js",
    "content.js",
    "identifiers.js",
    "options.css",
    "options.html",
    "options.js",
    "panel.js",
    "popup.css",
    "popup.html",
    "popup.js",
    "settings.js",
    "icons/precis-16.png",
    "icons/precis-32.png",
    "icons/precis-48.png",
    "icons/precis-128.png",
)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
DEFAULT_SERVER_LINE = re.compile(r'^(  const DEFAULT_SERVER = )"[^"]*";$', re.MULTILINE)


def manifest_for(browser: str) -> dict:
    manifest = json.loads((SOURCE / "manifest.json").read_text(encoding="utf-8"))
    background = manifest["background"]
    if browser == "chromium":
        manifest["background"] = {"service_worker": background["service_worker"]}
        manifest.pop("browser_specific_settings", None)
    elif browser == "firefox":
        manifest["background"] = {"scripts": background["scripts"]}
    else:
        raise ValueError(f"unknown browser {browser!r}")
    return manifest


def check_server(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SystemExit(f"--server must be an http(s) address, not {url!r}")
    if parts.query or parts.fragment or "@" in parts.netloc or '"' in url:
        raise SystemExit(f"--server takes no query, fragment or user name: {url!r}")
    return url.strip().rstrip("/")


def contents(browser: str, server: str | None) -> dict[str, bytes]:
    files = {name: (SOURCE / name).read_bytes() for name in FILES}
    if server:
        text = files["settings.js"].decode()
        text, count = DEFAULT_SERVER_LINE.subn(rf'\g<1>"{server}";', text)
        if count != 1:
            raise SystemExit("settings.js: the DEFAULT_SERVER line was not found")
        files["settings.js"] = text.encode()
    manifest = json.dumps(manifest_for(browser), indent=2, ensure_ascii=False) + "\n"
    files["manifest.json"] = manifest.encode()
    return files


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine builds it
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def build(out: Path, server: str | None = None) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for browser in BROWSERS:
        path = out / f"precis-{browser}.zip"
        path.write_bytes(zip_bytes(contents(browser, server)))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SOURCE.parent / "dist")
    parser.add_argument("--server", default=os.environ.get("EXTENSION_SERVER_URL") or None)
    args = parser.parse_args(argv)
    server = check_server(args.server) if args.server else None
    for path in build(args.out, server):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        print(f"{path}  {path.stat().st_size:,} bytes  sha256 {digest}…")
    return 0


if __name__ == "__main__":
    sys.exit(main())
