""" "Did you mean" at scale: the cost of correcting a typo against a large vocabulary.

A site of a million papers has a vocabulary of about a million distinct words, most of
them rare (names, symbols, typos). This fills search.vocabulary's table with that many
synthetic words (random letters, Zipf-like document frequencies, plus the real words of
search_bench's topics, frequent), then times ``vocabulary.corrections`` for typos of the
real words (a letter swapped, dropped, doubled or changed) and prints p50/p95/max, how
many were corrected to the intended word, and the query plan of one probe.

    .venv/bin/python bench/vocabulary_bench.py [--terms 1000000] [--db sqlite postgres]
"""

import argparse
import os
import random
import statistics
import string
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def synthetic_vocabulary(terms: int, rng: random.Random) -> dict[str, int]:
    from search_bench import RARE, TOPICS

    vocabulary = {}
    while len(vocabulary) < terms:
        length = min(max(int(rng.gauss(8, 3)), 3), 20)
        word = "".join(rng.choice(string.ascii_lowercase) for _ in range(length))
        vocabulary[word] = max(1, int(rng.paretovariate(0.6)))
    for rank, word in enumerate([*TOPICS, *RARE]):
        vocabulary[word] = 200_000 // (rank + 1) + 50
    return vocabulary


def typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "change"))
    if kind == "swap":
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    if kind == "drop":
        return word[:at] + word[at + 1 :]
    if kind == "double":
        return word[:at] + word[at] + word[at:]
    return word[:at] + rng.choice(string.ascii_lowercase) + word[at + 1 :]


def run(database_url: str, terms: int) -> None:
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY="bench-only", LOG_LEVEL="ERROR",
                      DJANGO_SETTINGS_MODULE="precis.settings")  # fmt: skip
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from search_bench import TOPICS

    from precis.search import vocabulary
    from precis.search.query import parse_query

    call_command("migrate", verbosity=0)
    rng = random.Random(5)
    words = synthetic_vocabulary(terms, rng)
    started = time.perf_counter()
    with transaction.atomic():
        vocabulary._apply(words)
    filled = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    intended = [word for word in TOPICS if len(word) >= 5]
    typos = []
    for word in intended * 3:
        wrong = typo(word, rng)
        if wrong not in words:
            typos.append((wrong, word))
    for wrong, _ in typos[:20]:  # warm caches
        vocabulary.corrections(parse_query(wrong))
    timings, right = [], 0
    for wrong, word in typos:
        began = time.perf_counter()
        found = vocabulary.corrections(parse_query(wrong))
        timings.append((time.perf_counter() - began) * 1000)
        right += found.get(wrong) == word
    timings.sort()
    print(
        f"{connection.vendor:10} vocabulary {len(words):,} words | filled in {filled:5.1f} s | "
        f"{len(typos)} typos: p50 {timings[len(timings) // 2]:5.2f} ms  "
        f"p95 {timings[int(len(timings) * 0.95)]:5.2f} ms  max {timings[-1]:5.2f} ms  "
        f"mean {statistics.mean(timings):5.2f} ms | corrected to the intended word: "
        f"{right}/{len(typos)}",
        flush=True,
    )
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(
            explain + vocabulary.BY_INITIAL, ["x", "r", 8, vocabulary.CANDIDATES_PER_PROBE]
        )
        print("  one probe:", " | ".join(str(row[-1]) for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terms", type=int, default=1_000_000)
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"],
                        choices=["sqlite", "postgres"])  # fmt: skip
    parser.add_argument(
        "--pg-url", default="postgres://postgres@127.0.0.1:5432/precis_vocabulary_bench"
    )
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run(args.run, args.terms)
        return
    import tempfile

    from scratch import fresh_postgres

    for kind in args.db:
        with tempfile.TemporaryDirectory(prefix="precis-vocabulary-bench-") as scratch:
            if kind == "sqlite":
                url = f"sqlite:///{scratch}/bench.sqlite3"
            else:
                url = args.pg_url
                fresh_postgres(url)
            command = [sys.executable, __file__, "--run", url, "--terms", str(args.terms)]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
