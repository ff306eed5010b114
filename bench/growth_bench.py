"""Time every sitemap page on a corpus that bench/pages_bench.py built and kept.

The sitemap is the one public answer that grows with the whole site (up to 50,000
URLs a page), so it is timed on its own: each page is rendered in this process
through the whole middleware stack with the page cache off, best of --repeat, with
its size and SQL query count.

    .venv/bin/python bench/pages_bench.py --keep DIR --rounds 1 --only cached --proxy-seconds 0
    .venv/bin/python bench/sitemap_bench.py --keep DIR
    .venv/bin/python bench/sitemap_bench.py --keep DIR --pg-url postgres://postgres@127.0.0.1:5432/NAME
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, required=True, help="pages_bench.py's --keep folder")
    parser.add_argument("--pg-url", help="the PostgreSQL database pages_bench.py filled")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    database = args.pg_url or f"sqlite:///{args.keep / 'bench.sqlite3'}"
    if not args.pg_url and not (args.keep / "bench.sqlite3").exists():
        sys.exit(f"no corpus in {args.keep}: run bench/pages_bench.py --keep {args.keep} first")
    os.environ.update(
        DATABASE_URL=database,
        VAR_DIR=str(args.keep / "var"),
        STATIC_ROOT=str(args.keep / "static"),
        DJANGO_SETTINGS_MODULE="precis.settings",
        SECRET_KEY="sitemap-bench-" + "q3Zr" * 12,
        ALLOWED_HOSTS="testserver",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        PAGE_CACHE_SECONDS="0",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from precis.feeds.sitemaps import SITEMAPS

    client = Client()
    print(f"{connection.vendor}, best of {args.repeat}")
    print(f"{'page':28} {'ms':>7} {'MB':>6} {'URLs':>7} {'queries':>7}")
    for url in ["/sitemap.xml", *(f"/sitemap-{section}.xml" for section in SITEMAPS)]:
        client.get(url)  # the URL shapes and the database's cache, once
        best = float("inf")
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                best = min(best, time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content
        urls = body.count(b"<url>") or body.count(b"<sitemap>")
        print(
            f"{url:28} {best * 1000:7.0f} {len(body) / 1e6:6.2f} {urls:7,} {len(queries):7}",
            flush=True,
        )


if __name__ == "__main__":
    main()
