"""Time the public pages whose work grows with the site, on a corpus bench/pages_bench.py kept.

These are the answers a page cache does not save from a bored attacker: every sitemap
page (up to 50,000 URLs each), the topic pages (a topic may hold half of all papers,
or none), a venue's pages and the list of venues, an author's papers and the list of papers waiting for a
summary.
Each is rendered in this process through the whole middleware stack with the page
cache off, best of --repeat, with its status, size and SQL query count.

    .venv/bin/python bench/pages_bench.py --keep DIR --rounds 1 --only cached --proxy-seconds 0
    .venv/bin/python bench/growth_bench.py --keep DIR
    .venv/bin/python bench/growth_bench.py --keep DIR --pg-url postgres://postgres@127.0.0.1:5432/NAME
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (path, the status it should answer): topics from the largest to one no paper is on.
TOPIC_PAGES = [
    ("/topics/cs.LG/", 200),  # about a third of the papers
    ("/topics/cs.LG/?page=400", 200),  # deep among its summarised papers
    ("/topics/cs.LG/?page=2000", 200),  # deep among the rest
    ("/topics/cs.RO/", 200),
    ("/topics/learning/", 200),  # the commonest keyword
    ("/topics/LEARNING/", 200),  # the same, in capitals
    ("/topics/zebrafish/", 200),  # a rare keyword
    ("/topics/no such topic/", 404),
    ("/topics/" + "x" * 2000 + "/", 404),
]


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
        SECRET_KEY="growth-bench-" + "q3Zr" * 12,
        ALLOWED_HOSTS="testserver",
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        PAGE_CACHE_SECONDS="0",
        LOG_LEVEL="ERROR",
    )
    import logging

    import django

    django.setup()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the expected 404s
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from precis.feeds.sitemaps import SITEMAPS
    from precis.papers.models import Author

    busiest = Author.objects.annotate(n=Count("paper_links")).order_by("-n").first()
    pages = [
        ("/sitemap.xml", 200),
        *((f"/sitemap-{section}.xml", 200) for section in SITEMAPS),
        *TOPIC_PAGES,
        ("/venues/icml/", 200),  # a tenth of the papers
        ("/venues/icml/?page=50", 200),
        ("/venues/icml/2016/", 200),
        ("/venues/icml/2016/bibtex", 200),
        ("/venues/", 200),  # every venue with a listed summary, counted
        (busiest.get_absolute_url(), 200),
        ("/requests/", 200),
    ]
    client = Client()
    print(f"{connection.vendor}, best of {args.repeat}")
    print(f"{'page':40} {'status':>6} {'ms':>7} {'MB':>6} {'queries':>7}")
    for url, expected in pages:
        client.get(url)  # the URL shapes and the database's cache, once
        best = float("inf")
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                best = min(best, time.perf_counter() - started)
        assert response.status_code == expected, (url, response.status_code)
        shown = url if len(url) <= 40 else url[:30] + "…" + url[-9:]
        print(
            f"{shown:40} {response.status_code:6} {best * 1000:7.0f} "
            f"{len(response.content) / 1e6:6.2f} {len(queries):7}",
            flush=True,
        )


if __name__ == "__main__":
    main()
