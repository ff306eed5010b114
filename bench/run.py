"""Page benchmarks: SQL queries and server time per page on the demo corpus.

Runs against a throw-away SQLite database (or DATABASE_URL if set, which must
point at a disposable database) and prints one line per page:

    .venv/bin/python bench/run.py [--repeat 30]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scratch import setup_django  # noqa: E402  (bench/ is the script's folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="requests per page")
    args = parser.parse_args()

    setup_django("precis-bench-", keep_database_url=True)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from precis.accounts.models import User
    from precis.papers.models import Paper
    from precis.summaries.models import Summary

    call_command("load_demo", verbosity=0)
    resnet = Paper.objects.by_identifier("arxiv", "1512.03385").get()
    summary = Summary.objects.listed().filter(paper=resnet).first()
    pages = {
        "home (popular)": "/",
        "home (recent)": "/?tab=recent",
        "home (best, cs)": "/?tab=best&field=cs",
        "paper (3 summaries)": resnet.get_absolute_url(),
        "summary permalink": summary.get_absolute_url(),
        "summary history": f"/summaries/{summary.pk}/history",
        "venues": "/venues/",
        "venue": "/venues/cvpr/",
        "venue year": f"/venues/cvpr/{resnet.year}/",
        "profile": "/u/mara_k/",
        "users": "/users/",
        "about": "/about/",
    }
    reader = User.objects.get(username="lucia_f")
    print(f"{'page':24} {'visitor q':>9} {'signed-in q':>11} {'median ms':>9} {'p95 ms':>7}")
    for name, path in pages.items():
        counts = []
        for signed_in in (False, True):
            client = Client(REMOTE_ADDR="192.0.2.1")
            if signed_in:
                client.force_login(reader)
            client.get(path)  # warm caches and today's view counter
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path, REMOTE_ADDR="192.0.2.2")
            assert response.status_code == 200, (path, response.status_code)
            counts.append(len(queries))
        client = Client()
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(
            f"{name:24} {counts[0]:>9} {counts[1]:>11} {statistics.median(timings):>9.1f} {p95:>7.1f}"
        )


if __name__ == "__main__":
    main()
