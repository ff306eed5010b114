"""Precis against the original ShortScience, signed out, on the same data, in one run.

ShortScience (https://github.com/ShortScience-org/shortscience.org: PHP on Slim 3,
MariaDB, a file cache) is not part of this repository and none of it may be added
here. Put a working copy in a folder of its own and pass it as --shortscience DIR:
index.php, the other *.php files and templates/ from that repository, and a
vendor/autoload.php that loads Slim 3 (upstream commits Composer's autoloader without
the packages; on Debian, `apt-get install php-fpm php-mysql php-slim` and a
vendor/autoload.php that requires /usr/share/php/Slim/autoload.php). Without that
folder the benchmark says so and stops. It also needs nginx, wrk and a MariaDB or
MySQL server (--mysql-*; the database --mysql-db is dropped and made afresh).

The data is a corpus that bench/pages_bench.py built and kept:

    .venv/bin/python bench/pages_bench.py --keep DIR --rounds 1 --only cached --proxy-seconds 0
    .venv/bin/python bench/shortscience_bench.py --shortscience /tmp/shortscience --keep DIR

It copies the corpus's papers, public summaries (with one vote row per vote, as
ShortScience keeps them), writers and venues into the tables ShortScience's SQL reads
(SCHEMA below; the repository has no schema), writes its config.php, and serves it as
production did: php-fpm behind nginx, with the same number of workers as Precis's
gunicorn, the signed-out home page from cache-index.html (made as cache_pages.sh makes
it) and the home lists and venue pages from its FileCache. Precis runs as pages_bench
runs it (gunicorn, page cache on). Then wrk loads each page kind over the same papers,
summaries, writers and venues, ShortScience then Precis, round after round, and it
prints each one's requests/s and p99, and Precis/ShortScience.

With --precis-microcache, each round also loads Precis as docs/deploy.md runs it at
scale: behind nginx with the guide's micro-cache of signed-out pages (the same
gunicorn), which answers most requests without asking Precis, as ShortScience's
pre-rendered home page is answered without its database. --pages limits the run to
some page kinds (--pages home: the three home lists).

A summary permalink on ShortScience is its paper page focused on one writer
(/paper?bibtexKey=…&a=name). Search and feeds have no counterpart to measure:
ShortScience's /search is switched off in its code and its RSS is a static file.
"""

import argparse
import datetime
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from pages_bench import (  # noqa: E402  (bench/ is the script's folder)
    SIGNED_IN_PAGES,
    free_port,
    load,
    lua_script,
    precis_env,
    start_gunicorn,
    start_nginx,
    stop,
    wait_until_serving,
    warm,
)

# ShortScience's /search is switched off in its code, so there is nothing to set beside ours.
PAGES = tuple(name for name in SIGNED_IN_PAGES if name != "search")

# What ShortScience's queries read, reconstructed from its SQL; latin1 like its PDO
# connection (UTF-8 bytes pass through unchanged). Its SELECT * joins of vignettes,
# users and papers order by a bare `added`, so only vignettes can have that column
# (users have user_added, as auth.php's user_edited suggests). The keys are the ones its INSERT …
# ON DUPLICATE KEY statements need, plus secondary indexes a DBA would add for the
# pages measured here (they only help ShortScience).
SCHEMA = """
CREATE TABLE papers (
  id INT AUTO_INCREMENT PRIMARY KEY,
  bibtexKey VARCHAR(255) NOT NULL UNIQUE,
  title VARCHAR(500) NOT NULL,
  authors TEXT NOT NULL,
  year INT,
  venue VARCHAR(500) NOT NULL DEFAULT '',
  venuekey VARCHAR(255) NOT NULL DEFAULT '',
  tags TEXT,
  urls TEXT,
  source VARCHAR(100) NOT NULL DEFAULT '',
  category VARCHAR(100),
  abstract TEXT,
  published DATETIME NULL
) DEFAULT CHARSET=latin1;
CREATE TABLE vignettes (
  text MEDIUMTEXT NOT NULL,
  paperid VARCHAR(255) NOT NULL,
  userid INT NOT NULL,
  priv BOOLEAN NOT NULL DEFAULT 0,
  anon BOOLEAN NOT NULL DEFAULT 0,
  added DATETIME NOT NULL DEFAULT NOW(),
  edited DATETIME NOT NULL DEFAULT NOW(),
  PRIMARY KEY (paperid, userid),
  KEY (userid)
) DEFAULT CHARSET=latin1;
CREATE TABLE votes (
  paperid VARCHAR(255) NOT NULL,
  userid INT NOT NULL,
  voteruserid INT NOT NULL,
  vote INT NOT NULL,
  added DATETIME NOT NULL DEFAULT NOW(),
  edited DATETIME NOT NULL DEFAULT NOW(),
  PRIMARY KEY (paperid, userid, voteruserid),
  KEY (userid)
) DEFAULT CHARSET=latin1;
CREATE TABLE users (
  userid INT AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(150) NOT NULL UNIQUE,
  email VARCHAR(150) NOT NULL,
  verifiedemail BOOLEAN NOT NULL DEFAULT 0,
  hash VARCHAR(150) NOT NULL DEFAULT '',
  secret VARCHAR(150) NOT NULL DEFAULT '',
  editsecret VARCHAR(150) NOT NULL DEFAULT '',
  level INT NOT NULL DEFAULT 0,
  displayname VARCHAR(150) NOT NULL DEFAULT '',
  description TEXT,
  orcid VARCHAR(50) NOT NULL DEFAULT '',
  email_receive_comments BOOLEAN NOT NULL DEFAULT 1,
  user_added DATETIME NOT NULL DEFAULT NOW(),
  user_edited DATETIME NULL,
  last_login DATETIME NULL,
  KEY (email)
) DEFAULT CHARSET=latin1;
CREATE TABLE venues (
  id VARCHAR(255) NOT NULL DEFAULT '',
  doiprefix VARCHAR(255) NOT NULL DEFAULT '',
  name VARCHAR(255) NOT NULL,
  url VARCHAR(500) NOT NULL DEFAULT '',
  imgurl VARCHAR(500) NOT NULL DEFAULT '',
  description TEXT
) DEFAULT CHARSET=latin1;
CREATE TABLE visits (
  bibtexKey VARCHAR(255) NOT NULL,
  date DATE NOT NULL,
  count INT NOT NULL DEFAULT 0,
  PRIMARY KEY (bibtexKey, date)
) DEFAULT CHARSET=latin1;
CREATE TABLE comments (
  id INT AUTO_INCREMENT PRIMARY KEY,
  paperid VARCHAR(255) NOT NULL,
  summaryuserid INT NOT NULL,
  userid INT NOT NULL,
  text TEXT NOT NULL,
  added DATETIME NOT NULL DEFAULT NOW(),
  visible VARCHAR(10) NULL,
  KEY (paperid, summaryuserid)
) DEFAULT CHARSET=latin1;
CREATE TABLE sections (
  section VARCHAR(20) NOT NULL,
  id VARCHAR(255) NOT NULL DEFAULT '',
  tag VARCHAR(255) NOT NULL DEFAULT ''
) DEFAULT CHARSET=latin1;
"""

COLUMNS = {
    "papers": "bibtexKey, title, authors, year, venue, tags, urls, source, abstract, published",
    "users": "userid, username, email, verifiedemail, displayname, description, user_added",
    "vignettes": "text, paperid, userid, priv, anon, added, edited",
    "votes": "paperid, userid, voteruserid, vote, added, edited",
    "venues": "id, name, url, description",
}


def venue_prefix(key: str) -> str:
    """ShortScience names a venue by the DBLP key prefix of its papers."""
    return "journals/corr" if key == "arxiv" else f"conf/{key}"


def tsv(value) -> str:
    """One field as LOAD DATA reads it by default (tab-separated, backslash escapes)."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"), ("\0", "\\0")):  # fmt: skip
        text = text.replace(char, escaped)
    return text


def export(folder: Path) -> None:
    """Write the Precis corpus as ShortScience rows (one TSV file per table), and how
    Precis's papers, summaries and venues are named on ShortScience (names.json)."""
    import django

    django.setup()
    from django.utils import timezone

    from precis.accounts.models import User
    from precis.papers.models import Identifier, Paper, PaperAuthor, Venue
    from precis.summaries.models import Summary

    def utc(moment):
        return timezone.make_naive(moment, datetime.UTC) if moment else None

    def write(table: str, rows) -> None:
        with (folder / f"{table}.tsv").open("w", encoding="utf-8") as out:
            for row in rows:
                out.write("\t".join(tsv(value) for value in row) + "\n")

    venues = {v.key: v for v in Venue.objects.all()}
    write("venues", ((venue_prefix(key), v.name, v.url, v.description_html) for key, v in venues.items()))  # fmt: skip

    authors = defaultdict(list)
    for paper_id, name in PaperAuthor.objects.order_by("paper_id", "position").values_list(
        "paper_id", "author__name"
    ):
        authors[paper_id].append(name)
    arxiv = dict(Identifier.objects.filter(scheme="arxiv").values_list("paper_id", "value"))
    keys = {}
    papers = []
    for pk, title, abstract, year, published_on, venue_key, source, keywords in (
        Paper.objects.order_by("pk")
        .values_list("pk", "title", "abstract", "year", "published_on", "venue__key", "source", "keywords")
        .iterator(chunk_size=5000)
    ):  # fmt: skip
        keys[pk] = f"{venue_prefix(venue_key) if venue_key else 'misc'}/{pk}"
        published = published_on or (f"{year}-01-01" if year else None)
        papers.append((
            keys[pk], title, " and ".join(authors[pk]), year,
            venues[venue_key].name if venue_key else "", ", ".join(keywords or []),
            f"https://arxiv.org/abs/{arxiv[pk]}" if pk in arxiv else "", source, abstract, published,
        ))  # fmt: skip
    write("papers", papers)

    users = list(User.objects.order_by("pk").values_list("pk", "username", "email", "display_name", "bio", "date_joined"))  # fmt: skip
    write("users", ((pk, name.lower(), email, True, shown, bio, utc(joined)) for pk, name, email, shown, bio, joined in users))  # fmt: skip
    user_ids = [pk for pk, *_ in users]
    usernames = {pk: name.lower() for pk, name, *_ in users}

    vignettes, votes, summaries = [], [], {}
    for pk, paper_id, author_id, anonymous, source, published, updated, up, down in (
        Summary.objects.listed()
        .order_by("pk")
        .values_list("pk", "paper_id", "author_id", "anonymous", "source", "published_at", "updated_at", "upvotes", "downvotes")
    ):  # fmt: skip
        key, added = keys[paper_id], utc(published or updated)
        vignettes.append((source, key, author_id, False, anonymous, added, utc(updated)))
        summaries[pk] = [key, usernames[author_id]]
        # ShortScience keeps a row per vote and sums them as it reads: the writer's own +1
        # (addVignette casts it), then one row for each other voter.
        ups = max(up - 1, 0)
        drawn = random.Random(pk).sample(user_ids, min(ups + down + 1, len(user_ids)))
        others = [voter for voter in drawn if voter != author_id][: ups + down]
        ballots = [(author_id, 1)] if up else []
        ballots += [(voter, 1 if n < ups else -1) for n, voter in enumerate(others)]
        votes += [(key, author_id, voter, vote, added, added) for voter, vote in ballots]
    write("vignettes", vignettes)
    write("votes", votes)
    names = {
        "papers": {pk: keys[pk] for pk in keys},
        "summaries": summaries,
        "venues": {key: venue_prefix(key) for key in venues},
        "counts": {
            "papers": len(papers),
            "summaries": len(vignettes),
            "votes": len(votes),
            "users": len(users),
        },
    }
    (folder / "names.json").write_text(json.dumps(names))


def mysql(args, sql: str, *, database: str = "") -> None:
    command = ["mysql", f"--host={args.mysql_host}", f"--port={args.mysql_port}", f"--user={args.mysql_user}",
               "--local-infile=1", "--default-character-set=latin1"]  # fmt: skip
    if args.mysql_password:
        command.append(f"--password={args.mysql_password}")
    subprocess.run(
        [*command, *([database] if database else [])],
        input=sql, text=True, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def load_mysql(args, exported: Path) -> None:
    """A fresh database with ShortScience's tables holding the exported rows."""
    db = args.mysql_db
    mysql(args, f"DROP DATABASE IF EXISTS `{db}`; CREATE DATABASE `{db}` CHARACTER SET latin1;")
    statements = [SCHEMA]
    for table, columns in COLUMNS.items():
        path = str(exported / f"{table}.tsv").replace("'", "''")
        statements.append(
            f"LOAD DATA LOCAL INFILE '{path}' INTO TABLE {table} CHARACTER SET latin1 ({columns});"
        )
    statements.append(f"ANALYZE TABLE {', '.join(COLUMNS)};")
    mysql(args, "\n".join(statements), database=db)


def php_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def write_config(site: Path, args) -> None:
    """ShortScience's config.php (the repository ships only config-example.php)."""
    host = args.mysql_host + (f";port={args.mysql_port}" if args.mysql_port != 3306 else "")
    site.joinpath("config.php").write_text(f"""<?php
// Written by Precis's bench/shortscience_bench.py for each run.
$SITENAME = "ShortScience.org";
$DEFAULTBASEURL = "http://www.shortscience.org";
$SITEEMAIL = "contact@shortscience.org";

$DBCONFIG = (object)[];
$DBCONFIG->host={php_string(host)};
$DBCONFIG->user={php_string(args.mysql_user)};
$DBCONFIG->pass={php_string(args.mysql_password)};
$DBCONFIG->name={php_string(args.mysql_db)};

$BIBSONOMY_LOGIN = "";
$SCRIPT_VERSION = "1";
$MATHJAX_URL = "https://cdn.mathjax.org/mathjax/latest/MathJax.js?config=TeX-MML-AM_CHTML";
$SPEED_PROFILE = false;
?>""")  # fmt: skip


def php_fpm_binary() -> str | None:
    versioned = sorted(Path("/usr/sbin").glob("php-fpm*"), reverse=True)
    return next((str(c) for c in [shutil.which("php-fpm"), *versioned] if c), None)


def start_shortscience(site: Path, prefix: Path, args) -> tuple[list[subprocess.Popen], str]:
    """php-fpm with --workers children behind nginx, as ShortScience ran in production."""
    fpm_port, port = free_port(), free_port()
    as_root = os.geteuid() == 0
    fpm_config = prefix / "php-fpm.conf"
    fpm_config.write_text(f"""[global]
pid = {prefix}/php-fpm.pid
error_log = {prefix}/php-fpm.log
daemonize = no

[shortscience]
{"user = root" if as_root else ""}
listen = 127.0.0.1:{fpm_port}
pm = static
pm.max_children = {args.workers}
chdir = {site}
; The templates use short open tags; upstream's Dockerfile turns them on in php.ini.
php_admin_flag[short_open_tag] = on
; Its PHP 5-era code warns on nearly every line under PHP 8: logging that would only
; slow it down.
php_admin_flag[log_errors] = off
php_admin_flag[display_errors] = off
""")  # fmt: skip
    params = "\n".join(
        f"            fastcgi_param {name} {value};"
        for name, value in (
            ("SCRIPT_FILENAME", "$document_root/index.php"), ("SCRIPT_NAME", "/index.php"),
            ("QUERY_STRING", "$query_string"), ("REQUEST_METHOD", "$request_method"),
            ("CONTENT_TYPE", "$content_type"), ("CONTENT_LENGTH", "$content_length"),
            ("REQUEST_URI", "$request_uri"), ("DOCUMENT_URI", "$document_uri"),
            ("DOCUMENT_ROOT", "$document_root"), ("SERVER_PROTOCOL", "$server_protocol"),
            ("GATEWAY_INTERFACE", "CGI/1.1"), ("REMOTE_ADDR", "$remote_addr"),
            ("REMOTE_PORT", "$remote_port"), ("SERVER_ADDR", "$server_addr"),
            ("SERVER_PORT", "$server_port"), ("SERVER_NAME", "$server_name"),
            ("HTTP_HOST", "$host"), ("REDIRECT_STATUS", "200"),
        )
    )  # fmt: skip
    nginx_config = prefix / "nginx.conf"
    nginx_config.write_text(f"""daemon off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/nginx-error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    fastcgi_buffers 64 16k;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        # What its .htaccess does on Apache: every path that is not a file goes to index.php.
        location / {{
            try_files $uri /index.php$is_args$args;
        }}
        location = /index.php {{
{params}
            fastcgi_pass 127.0.0.1:{fpm_port};
        }}
    }}
}}
""")  # fmt: skip
    fpm = subprocess.Popen(
        [php_fpm_binary(), "--nodaemonize", "--fpm-config", str(fpm_config), *(["--allow-to-run-as-root"] if as_root else [])],
        start_new_session=True,
    )  # fmt: skip
    nginx = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(nginx_config), "-e", str(prefix / "nginx-error.log")],
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(nginx, base)
    except SystemExit:
        stop(fpm)
        raise
    return [nginx, fpm], base


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=300) as response:  # noqa: S310 (http://127.0.0.1)
            return response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"ShortScience answered {error.code} to {url}") from error


def warm_shortscience(site: Path, base: str, pairs: dict, args) -> None:
    """Fill its caches as production had them, and check that every page renders."""
    # Its FileCache keeps /tmp/s_cache-<database name>-<md5 of key>.
    for stale in Path("/tmp").glob(f"s_cache-{args.mysql_db}-*"):  # noqa: S108
        stale.unlink()
    # cache_pages.sh (run from cron): `wget -O cache-index.html` empties the file first,
    # so the signed-out home page it fetches renders afresh instead of from that file.
    cached_home = site / "cache-index.html"
    cached_home.write_bytes(b"")
    cached_home.write_bytes(fetch(base + "/"))
    for name in PAGES:
        # Only the home lists and venue pages have a cache to fill; of the other kinds
        # (rendered afresh on every request) a sample is enough to check.
        cached = name.startswith(("home", "venue"))
        for _, path, expected in pairs[name] if cached else pairs[name][:10]:
            body = fetch(base + path).decode("utf-8", "replace")
            if "Fatal error" in body or "Error: " in body or not re.search(expected, body):
                raise SystemExit(
                    f"ShortScience's {path} does not show {expected!r}:\n{body[-2000:]}"
                )


def url_pairs(targets: dict, names: dict, variants: int) -> dict:
    """Per page kind: (Precis path, ShortScience path, a pattern its page must match)."""
    quote = urllib.parse.quote
    home = {"home (popular)": "/", "home (recent)": "/?tab=recent", "home (best)": "/?tab=best"}
    pairs = {}
    for name in PAGES:
        pairs[name] = []
        for path in targets["pages"][name][:variants]:
            if name in home:
                other, expected = home[name], 'class="vignette vignette-top'
            elif match := re.match(r"/papers/(\d+)/", path):
                other = f"/paper?bibtexKey={quote(names['papers'][match[1]], safe='/')}"
                expected = r'Summaries/Notes <span class="badge">[1-9]'
            elif match := re.match(r"/summaries/(\d+)/", path):
                key, writer = names["summaries"][match[1]]
                other = f"/paper?bibtexKey={quote(key, safe='/')}&a={quote(writer)}"
                expected = f'<div id="{re.escape(writer)}" class="vignette'
            elif match := re.match(r"/venues/([^/]+)/(?:(\d+)/)?$", path):
                other = f"/venue?key={quote(names['venues'][match[1]], safe='/')}"
                other += f"&year={match[2]}" if match[2] else ""
                expected = "nav-tabs"
            elif match := re.match(r"/u/([^/]+)/$", path):
                other, expected = f"/user?name={quote(match[1].lower())}", "sciscore: "
            else:
                raise SystemExit(f"no ShortScience page for {path}")
            pairs[name].append((path, other, expected))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shortscience", type=Path, help="Working copy of ShortScience (see above)"
    )
    parser.add_argument("--keep", type=Path, help="Corpus folder bench/pages_bench.py --keep made")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/precis_pages_bench")
    parser.add_argument("--redis-url", default="", help="REDIS_URL for Precis (default: none)")
    parser.add_argument("--mysql-host", default="127.0.0.1")
    parser.add_argument("--mysql-port", type=int, default=3306)
    parser.add_argument("--mysql-user", default="root")
    parser.add_argument("--mysql-password", default="")
    parser.add_argument("--mysql-db", default="shortscience_bench")
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers = php-fpm children"
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", type=int, default=200, help="URLs per page kind at most")
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="KIND",
        help="Load only the page kinds starting with these words (home, paper, summary, "
        "venue, profile; default: all)",
    )
    parser.add_argument(
        "--precis-microcache",
        action="store_true",
        help="Also load Precis behind nginx with docs/deploy.md's micro-cache",
    )
    parser.add_argument("--export", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    kinds = [name for name in PAGES if not args.pages or name.startswith(tuple(args.pages))]
    if not kinds:
        raise SystemExit(f"--pages: no page kind starts with {' or '.join(args.pages)}")
    if args.export:
        export(args.export)
        return

    site = args.shortscience or Path("(no --shortscience given)")
    missing = [f for f in ("index.php", "functions.php", "templates/vignette.php", "vendor/autoload.php") if not (site / f).exists()]  # fmt: skip
    if missing:
        print(f"Skipped: no ShortScience working copy in {site} (missing {', '.join(missing)}). "
              "Put ShortScience-org/shortscience.org there as this script's docstring says.")  # fmt: skip
        return
    tools = {"php-fpm": php_fpm_binary(), **{t: shutil.which(t) for t in ("nginx", "wrk", "mysql")}}
    if absent := [tool for tool, found in tools.items() if not found]:
        print(f"Skipped: needs {', '.join(absent)} (Debian: apt-get install php-fpm php-mysql php-slim nginx-light wrk mariadb-client)")  # fmt: skip
        return
    if not args.keep or not (args.keep / "targets.json").exists():
        raise SystemExit("--keep DIR must be a corpus bench/pages_bench.py --keep DIR made")

    scratch = args.keep
    database_url = args.pg_url if args.db == "postgres" else f"sqlite:///{scratch}/bench.sqlite3"
    env = precis_env(scratch, database_url, args.redis_url)
    # The copied rows, the servers' configs and logs: kept until the next run, to look into.
    work = scratch / "shortscience"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    servers: list[subprocess.Popen] = []
    try:
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--export", str(work)], env=env, check=True)
        load_mysql(args, work)
        names = json.loads((work / "names.json").read_text())
        counts = names["counts"]
        print(f"{args.db} corpus {scratch}: {counts['papers']:,} papers, {counts['summaries']:,} "
              f"public summaries, {counts['votes']:,} votes, {counts['users']:,} users; copied "
              f"into MariaDB {args.mysql_db} in {time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        pairs = url_pairs(json.loads((scratch / "targets.json").read_text()), names, args.variants)
        write_config(site, args)
        shortscience, ss_base = start_shortscience(site, work, args)
        servers += shortscience
        warm_shortscience(site, ss_base, pairs, args)
        gunicorn = argparse.Namespace(workers=args.workers, worker_class="sync", threads=1)
        precis, base = start_gunicorn("precis.wsgi", env, gunicorn)
        servers.append(precis)
        fronts = {"ShortScience": ss_base, "Precis": base}
        if args.precis_microcache:
            nginx, fronts["Precis µcache"] = start_nginx(
                work / "nginx-precis", base.removeprefix("http://"), microcache=True
            )
            servers.append(nginx)
        for name in kinds:
            warm(base, [p for p, _, _ in pairs[name]])

        runs = defaultdict(list)  # per page kind, one {front: wrk's result} per round
        for _ in range(args.rounds):
            for name in kinds:
                precis_paths = [p for p, _, _ in pairs[name]]
                ss_paths = [s for _, s, _ in pairs[name]]
                results = {}
                for front, url in fronts.items():
                    paths = ss_paths if front == "ShortScience" else precis_paths
                    if front != "ShortScience":
                        # Precis's copies last PAGE_CACHE_SECONDS, and a round can take longer
                        # on a busy machine; the page cache keys them by host, here nginx's port.
                        warm(url, paths)
                    results[front] = load(url, lua_script(work, f"{front} {name}", paths), args)
                runs[name].append(results)
    finally:
        for server in servers:
            stop(server)

    precis_fronts = [front for front in fronts if front != "ShortScience"]
    print(f"\nSigned out, {args.workers} php-fpm children behind nginx (ShortScience) and "
          f"{args.workers} gunicorn sync workers (Precis"
          f"{'; Precis µcache: the same behind nginx with the micro-cache' if args.precis_microcache else ''}), "
          f"{args.connections} connections, {args.rounds} rounds of {args.seconds} s, "
          f"in this order (medians over rounds)")  # fmt: skip
    print(f"{'page':16} {'SS req/s':>9} {'SS p99 ms':>9}"
          + "".join(f" {front + ' req/s':>19} {'/SS':>7} {'p99 ms':>7}" for front in precis_fronts)
          + f" {'failed':>14}")  # fmt: skip

    def median(rows, front: str, value: str) -> float:
        return statistics.median(row[front][value] for row in rows)

    for name, rows in runs.items():
        cells = [f"{name:16} {median(rows, 'ShortScience', 'rps'):9.1f} {median(rows, 'ShortScience', 'p99'):9.0f}"]  # fmt: skip
        for front in precis_fronts:
            ratio = statistics.median(row[front]["rps"] / max(row["ShortScience"]["rps"], 0.01) for row in rows)  # fmt: skip
            cells.append(f"{median(rows, front, 'rps'):19.1f} {ratio:6.1f}x {median(rows, front, 'p99'):7.1f}")  # fmt: skip
        failed = "/".join(str(sum(row[front]["failed"] for row in rows)) for front in fronts)
        print(" ".join(cells) + f" {failed:>14}", flush=True)
    print("No counterpart, not measured: search (ShortScience's /search is switched off) "
          "and feeds (ShortScience's RSS is a static file a job writes).")  # fmt: skip


if __name__ == "__main__":
    main()
