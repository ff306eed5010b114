"""Precis settings: one file, every value from the environment (see docs/settings.md).

Defaults make `make demo` work on a laptop (SQLite under var/, console-free file
e-mail, local-memory cache). Production sets DATABASE_URL, SECRET_KEY,
ALLOWED_HOSTS and usually REDIS_URL.
"""

import json
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from precis.lib import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.boolean("DEBUG", False)
SECRET_KEY = env.string("SECRET_KEY")
# Without a key only DEBUG may serve; tooling (makemigrations, tests of settings) still
# runs. precis/wsgi.py and the "deploy" system check refuse the placeholder loudly.
SECRET_KEY_MISSING = not SECRET_KEY
if SECRET_KEY_MISSING:
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105

ALLOWED_HOSTS = env.words("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.words("CSRF_TRUSTED_ORIGINS", [])
# The public base URL. Set, every absolute URL (canonical links, feeds, the API, e-mails)
# starts with it. Unset, each page takes the scheme and host its request came with
# (ALLOWED_HOSTS and TRUSTED_PROXIES vouch for them) and what runs without a request
# (e-mails sent by tasks) uses http://127.0.0.1:PORT, the address `make demo` serves on.
SITE_URL_IS_SET = bool(env.string("SITE_URL"))
SITE_URL = (
    env.string("SITE_URL") or f"http://127.0.0.1:{env.integer('PORT', 8000, minimum=1)}"
).rstrip("/")
SITE_NAME = "Precis"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.orcid",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "precis.core",
    "precis.accounts",
    "precis.papers",
    "precis.summaries",
    "precis.discussions",
    "precis.collections",
    "precis.importers",
    "precis.notifications",
    "precis.search",
    "precis.feeds",
    "precis.api",
    "precis.exports",
    "precis.moderation",
    "precis.media",
    "precis.findings",  # findings on papers (issue 13)
    "precis.foryou",  # a feed for each reader (issue 13)
]

MIDDLEWARE = [
    "precis.core.proxies.ForwardedClientMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication: a cached signed-out page needs neither.
    "precis.core.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "precis.core.siteurl.SiteUrlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "precis.core.middleware.RequestLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "precis.core.contentpolicy.CSPMiddleware",  # django-csp's; shared copies: built once
    "allauth.account.middleware.AccountMiddleware",
    "precis.core.errorpages.DebugErrorPagesMiddleware",
]

ROOT_URLCONF = "precis.urls"
WSGI_APPLICATION = "precis.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "precis" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "precis.core.context_processors.site",
                "precis.accounts.context_processors.orcid",
                "precis.accounts.context_processors.account_pages",
                "precis.notifications.context_processors.notifications",
                # Last: while a signed-in reader's shared copy renders, the CSRF token is
                # a placeholder (precis/core/readerpages.py).
                "precis.core.readerpages.holes_context",
            ],
        },
    },
]

# --- Database: SQLite file by default, PostgreSQL via DATABASE_URL ----------
DATABASE_URL = env.string("DATABASE_URL", f"sqlite:///{VAR_DIR / 'precis.sqlite3'}")
POSTGRESQL_ENGINE = "precis.core.postgresql"
# Prepare the few statements every signed-in request runs, once per connection; false
# behind a pooler that cannot keep prepared statements (pgbouncer in transaction mode
# before 1.21, or with max_prepared_statements = 0).
PREPARED_STATEMENTS = env.boolean("PREPARED_STATEMENTS", True)
try:
    # Each process keeps its connection for a minute: opening one (a SQLite file registers
    # its functions, PostgreSQL authenticates) costs more than serving a cached page.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # Writers queue for the lock up front instead of failing mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not shared-cache memory: memory databases lock whole tables across
    # threads and ignore the busy timeout, which the concurrency tests exercise.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-precis.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's, with the statements every request runs prepared and a health check
        # without a round trip (precis/core/postgresql/base.py).
        DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE
    # Behind pgbouncer in transaction mode a cursor cannot outlive its transaction.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.boolean(
        "DISABLE_SERVER_SIDE_CURSORS", False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set, else per-process memory ------------
REDIS_URL = env.string("REDIS_URL")
# How many MiB of whole pages each process may keep: without Redis, the page cache itself
# (precis/core/localcache.py); with it, the copies held between checks (NearCopies).
PAGE_CACHE_MIB = env.integer("PAGE_CACHE_MIB", 64, minimum=1)
if REDIS_URL:
    CACHES = {
        alias: {
            "BACKEND": "precis.core.rediscache.RedisCache",  # Django's, one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
        for alias, prefix in (
            ("default", "precis"),
            ("pages", "precis-pages"),
            ("fragments", "precis-fragments"),
        )
    }
else:
    # Whole pages and the fragments of many pages apart: a profile's 20 cards must not
    # push pages out. Pages are bounded by the memory they take, not by their number.
    CACHES = {
        # Rate limits and visit marks: at Django's default of 300 entries, a burst of
        # visits or a spam wave pushed out the counters that were holding it back.
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        },
        "pages": {
            "BACKEND": "precis.core.localcache.SizedLocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 100_000, "MAX_BYTES": PAGE_CACHE_MIB * 1024 * 1024},
        },
        "fragments": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "fragments",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }
# Sessions stay in the database (they outlive a cache flush); with a shared cache every
# request reads its session from there first. Per-process memory would serve one
# process a session another has since changed, so without Redis they come from the
# database each time.
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Django's database store, read with one raw statement (signed-in readers' pages).
    SESSION_ENGINE = "precis.accounts.sessions"
# How long a signed-out reader's page may be served from the cache when nothing is
# written meanwhile (any write refreshes every page at once); 0 turns the cache off.
PAGE_CACHE_SECONDS = env.integer("PAGE_CACHE_SECONDS", 300, minimum=0)
# With Redis: how long a process answers cached pages from its own memory before asking
# Redis again whether anything was written (precis/core/generations.py, NearCopies);
# a write made through another process reaches its readers this much later. 0: ask
# every time.
SHARED_CACHE_RECHECK_SECONDS = env.integer("SHARED_CACHE_RECHECK_SECONDS", 1, minimum=0)
# --- Signed-in readers' shared pages (precis/core/readerpages.py) ---
# One copy of each page for all signed-in readers, their own state filled in per
# request; false renders every signed-in page whole. Votes leave copies (signed out
# and signed in) up to VOTE_STALENESS_SECONDS old instead of emptying the cache.
SHARED_READER_PAGES = env.boolean("SHARED_READER_PAGES", True)
VOTE_STALENESS_SECONDS = env.integer("VOTE_STALENESS_SECONDS", 5, minimum=0)
# --- end signed-in readers' shared pages ---
# --- Worker warm-up (precis/warmup.py, run by precis/gunicorn_conf.py) ---
# At most this long rendering one page of each kind in a new worker before it serves; 0: off.
WARM_UP_SECONDS = env.integer("WARM_UP_SECONDS", 10, minimum=0)
# --- end worker warm-up ---

# --- Background tasks -------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": env.string("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, loading whether the person moderates with them.
AUTHENTICATION_BACKENDS = [
    "precis.accounts.backends.PasswordBackend",
    "precis.accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_USERNAME_BLACKLIST = ["admin", "api", "about", "settings", "anonymous", "precis"]
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Precis] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/h/ip"}
# Sign-up refuses throw-away addresses, honeypot fillers and instant posts.
ACCOUNT_FORMS = {"signup": "precis.accounts.forms.SignupForm"}
ACCOUNT_ADAPTER = "precis.accounts.adapters.AccountAdapter"
# Links in e-mails work this long; the pages that send them say so.
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# --- Sign in with ORCID (allauth.socialaccount) -----------------------------
# Register the site at https://orcid.org/developer-tools (redirect URI
# SITE_URL/accounts/orcid/login/callback/). Without a client id the provider
# stays installed (its tables exist) but no button shows and no app is configured.
ORCID_CLIENT_ID = env.string("ORCID_CLIENT_ID")
ORCID_SANDBOX = env.boolean("ORCID_SANDBOX", False)
ORCID_LOGIN_ENABLED = bool(ORCID_CLIENT_ID)
ORCID_BASE_DOMAIN = "sandbox.orcid.org" if ORCID_SANDBOX else "orcid.org"
SOCIALACCOUNT_PROVIDERS = {"orcid": {"BASE_DOMAIN": ORCID_BASE_DOMAIN, "MEMBER_API": False}}
if ORCID_LOGIN_ENABLED:
    SOCIALACCOUNT_PROVIDERS["orcid"]["APP"] = {
        "client_id": ORCID_CLIENT_ID,
        "secret": env.string("ORCID_CLIENT_SECRET"),
    }
SOCIALACCOUNT_ADAPTER = "precis.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_STORE_TOKENS = False  # we read only the public record; nothing to keep

# --- E-mail: files under var/mail by default, SMTP when EMAIL_HOST is set ----
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "Precis <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env.string("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.integer("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env.string("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 10
else:
    EMAIL_BACKEND = env.string("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# With DEBUG and this file backend, /accounts/outbox/ lists what was "sent" (the demo's mail).

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "precis" / "static"]
# The OpenType math font all MathML uses (site.css, "Precis Math"), installed from npm
# by `make install`, never committed. Without it (npm ci skipped) the site still works
# on the reader's own math fonts, and collectstatic leaves the CSS reference alone
# (precis.lib.staticstorage).
MATH_FONT_DIR = BASE_DIR / "node_modules" / "@fontsource" / "stix-two-math" / "files"
if MATH_FONT_DIR.is_dir():
    STATICFILES_DIRS.append(("vendor/stix-two-math", MATH_FONT_DIR))
STATIC_ROOT = Path(env.string("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# --- Uploaded files (figures, precis/media) ----------------------------------
# Kept through Django's storage API: files under MEDIA_ROOT by default; any storage
# class by STORAGE_BACKEND (S3-compatible ones from django-storages, say) with the
# keyword arguments in STORAGE_OPTIONS, a JSON object. Readers always get figures at
# /figures/<sha256>.<ext>, whichever storage holds them.
MEDIA_ROOT = Path(env.string("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGE_BACKEND = env.string("STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage")
try:
    STORAGE_OPTIONS = json.loads(env.string("STORAGE_OPTIONS", "{}"))
except json.JSONDecodeError as exc:
    raise ImproperlyConfigured(f"STORAGE_OPTIONS is not JSON: {exc}") from exc
if not isinstance(STORAGE_OPTIONS, dict):
    raise ImproperlyConfigured("STORAGE_OPTIONS must be a JSON object of keyword arguments")
STORAGES = {
    "default": {"BACKEND": STORAGE_BACKEND, "OPTIONS": STORAGE_OPTIONS},
    "staticfiles": {
        "BACKEND": "precis.lib.staticstorage.ManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security ---------------------------------------------------------------
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Addresses or networks of the reverse proxies in front of the app: only their
# X-Forwarded-For and X-Forwarded-Proto are believed (precis/core/proxies.py).
TRUSTED_PROXIES = env.networks("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
SESSION_COOKIE_SECURE = env.boolean("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30  # a month, in seconds
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The demo runs with DEBUG but shows the site's own 404 and 500 pages (precis/core/errorpages.py);
# DEBUG_TECHNICAL_ERRORS=true brings back Django's pages with URL lists and tracebacks.
DEBUG_TECHNICAL_ERRORS = env.boolean("DEBUG_TECHNICAL_ERRORS", False)
DEFAULT_EXCEPTION_REPORTER = "precis.core.errorpages.SiteErrorReporter"
CSRF_FAILURE_VIEW = "precis.core.views.csrf_failure"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # External images come through our image proxy (precis.media), never from their hosts.
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Signing in with ORCID posts here and is redirected on to ORCID's authorize page,
        # which browsers check against form-action too.
        "form-action": [SELF, f"https://{ORCID_BASE_DOMAIN}"] if ORCID_LOGIN_ENABLED else [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
}

# --- Outbound HTTP (precis/lib/safehttp.py) ---------------------------------
OUTBOUND_HTTP = env.boolean("OUTBOUND_HTTP", True)
CONTACT_EMAIL = env.string("CONTACT_EMAIL", "admin@localhost")
OUTBOUND_USER_AGENT = f"Precis/0.1 (+{SITE_URL}; mailto:{CONTACT_EMAIL})"
OUTBOUND_HOSTS = {
    "export.arxiv.org",
    "arxiv.org",
    "api.crossref.org",
    "doi.org",
    "dblp.org",
    "dblp.uni-trier.de",
    "pub.orcid.org",
    "orcid.org",
}
# Seconds between two requests to one host: arXiv asks for 3 s between API calls.
OUTBOUND_HOST_DELAYS = {"export.arxiv.org": 3.0, "arxiv.org": 3.0, "dblp.org": 1.0}

# --- Precis -----------------------------------------------------------------
# The largest request body accepted, in bytes; a larger Content-Length is answered 413
# before anything is read. Django's own in-memory cap follows it.
MAX_REQUEST_BYTES = env.integer("MAX_REQUEST_BYTES", 3 * 1024 * 1024, minimum=64 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
# Figures: the largest file accepted, in bytes (an upload is one request, so it stays
# below MAX_REQUEST_BYTES with room for the form around it), and how many bytes of
# figures one person may keep.
FIGURE_MAX_BYTES = min(
    env.integer("FIGURE_MAX_BYTES", 5 * 1024 * 1024, minimum=1024),
    MAX_REQUEST_BYTES - 64 * 1024,
)
FIGURE_QUOTA_BYTES = env.integer("FIGURE_QUOTA_BYTES", 100 * 1024 * 1024, minimum=0)
SUMMARIES_PER_PAGE = env.integer("SUMMARIES_PER_PAGE", 20, minimum=1)
# API rate limits, per token, signed-in user or client address, per minute.
API_READS_PER_MINUTE = env.integer("API_READS_PER_MINUTE", 600, minimum=1)
API_WRITES_PER_MINUTE = env.integer("API_WRITES_PER_MINUTE", 60, minimum=1)
# --- Requests (precis/papers/claims.py) ---
# How many days a writer's claim on a requested paper ("I am writing a summary of
# this") holds, and how many papers one writer may hold claims on at once.
CLAIM_DAYS = env.integer("CLAIM_DAYS", 7, minimum=1)
CLAIMS_PER_WRITER = env.integer("CLAIMS_PER_WRITER", 5, minimum=1)
# --- end Requests ---
# --- Open data (precis/exports/dumps.py) ---
# Where `export_public_dump` and its task write the public data dumps (one folder
# each) that /data/ lists and serves, and how many of the newest are kept.
PUBLIC_DUMP_DIR = Path(env.string("PUBLIC_DUMP_DIR", str(VAR_DIR / "dumps")))
PUBLIC_DUMP_KEEP = env.integer("PUBLIC_DUMP_KEEP", 3, minimum=1)
# --- end Open data ---

# --- Read replicas (optional) -----------------------------------------------
# Streaming replicas of the primary (DATABASE_URL), space- or comma-separated. Requests
# that only read are served from one (precis/core/replicas.py); writes, transactions,
# tasks and commands use the primary, and so does each person for REPLICA_PIN_SECONDS
# after their own write, so they always see it.
DATABASE_REPLICA_URLS = [
    url for item in env.words("DATABASE_REPLICA_URLS", []) for url in item.split()
]
DATABASE_REPLICAS = [f"replica{number}" for number in range(1, len(DATABASE_REPLICA_URLS) + 1)]
REPLICA_PIN_SECONDS = env.integer("REPLICA_PIN_SECONDS", 10, minimum=0)
# A replica further behind than this, in seconds, is skipped; 0 does not measure the lag.
REPLICA_MAX_LAG_SECONDS = env.integer("REPLICA_MAX_LAG_SECONDS", 0, minimum=0)
for alias, url in zip(DATABASE_REPLICAS, DATABASE_REPLICA_URLS, strict=True):
    try:
        replica = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:  # the message leaves the URL, and its password, out
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URLS: {alias} is not a database URL: {exc}"
        ) from exc
    if not all("postgresql" in db["ENGINE"] for db in (DATABASES["default"], replica)):
        raise ImproperlyConfigured("Read replicas need PostgreSQL, as primary and replicas")
    replica["ENGINE"] = POSTGRESQL_ENGINE
    # An unreachable replica is given up on after a few seconds; the primary then reads.
    replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASES[alias] = {**replica, "TEST": {"MIRROR": "default"}}
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["precis.core.replicas.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "precis.core.replicas.ReplicaMiddleware",
    )
