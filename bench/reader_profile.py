"""Where a signed-in reader's page spends its time: cProfile over the Django test client.

Runs against a corpus that bench/pages_bench.py kept (--keep DIR), in this process, with
the whole middleware stack. For each page it requests the page once (the shared copy is
made), then N times under cProfile, with shared copies on and then off
(SHARED_READER_PAGES), and prints the mean time per request and the top functions.

    DATABASE_URL=sqlite:///DIR/bench.sqlite3 VAR_DIR=DIR/var STATIC_ROOT=DIR/static \\
        .venv/bin/python bench/reader_profile.py [--requests 200] [--top 12]

Give it a copy of DIR (its database and var/) while pages_bench.py runs on DIR: the
copies it makes would otherwise sit in the benchmark's page cache.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--page", action="append", help="Only these pages (by name)")
    parser.add_argument("--sort", default="cumulative", help="pstats order (cumulative, tottime)")
    parser.add_argument("--shared-only", action="store_true", help="Skip the whole renders")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "precis.settings")
    os.environ.setdefault("SECRET_KEY", "reader-profile-" + "k7Qx" * 12)
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from precis.accounts.models import User
    from precis.papers.models import Venue
    from precis.summaries.models import Summary

    summary = Summary.objects.listed().select_related("paper", "author").order_by("pk").first()
    venue = Venue.objects.order_by("pk").first()
    pages = {
        "home": "/",
        "paper": summary.paper.get_absolute_url(),
        "summary": summary.get_absolute_url(),
        "profile": summary.author.get_absolute_url(),
        "venue-year": f"/venues/{venue.key}/{summary.paper.year}/",
        "search": "/search?q=learning",
    }
    reader, _ = User.objects.get_or_create(username="profile-reader")
    client = Client()
    client.force_login(reader)
    for name, url in pages.items():
        if args.page and name not in args.page:
            continue
        for shared in (True,) if args.shared_only else (True, False):
            settings.SHARED_READER_PAGES = shared
            assert client.get(url).status_code == 200, url
            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for _ in range(args.requests):
                client.get(url)
            profiler.disable()
            per_request = (time.perf_counter() - started) / args.requests * 1000
            label = "shared copy" if shared else "whole render"
            print(f"\n== {name} ({url}), {label}: {per_request:.2f} ms per request (profiled)")
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats(args.sort)
            stats.print_stats(args.top)
            print("\n".join(out.getvalue().splitlines()[-args.top - 1 :]))


if __name__ == "__main__":
    main()
