"""Chidao settings, read from the environment.

DATABASE_URL selects the database: an SQLite file under var/ by default, PostgreSQL when set
(e.g. postgres://postgres@127.0.0.1:5432/chidao).
"""

import datetime as dt
import json
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("CHIDAO_VAR_DIR", PROJECT_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("CHIDAO_DEBUG", True)
# Development default only; production (CHIDAO_DEBUG=0) must set CHIDAO_SECRET_KEY (see docs/adr).
SECRET_KEY = os.environ.get("CHIDAO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CHIDAO_SECRET_KEY is not set: production (CHIDAO_DEBUG=0) needs a long random secret key from the "
            "environment, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    SECRET_KEY = "dev-only-insecure-key-change-me"
ALLOWED_HOSTS = [h for h in os.environ.get("CHIDAO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    # Second factor: TOTP devices and one-time recovery codes (chidao.core.otp).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # django-ninja's own templates and static files: the API docs (/api/v1/docs) load Swagger UI from this
    # server, not from a CDN, so they work on an offline network and under the content security policy.
    "ninja",
    "chidao.core",
    "chidao.programs",
    "chidao.reports",
    "chidao.personnel",
    "chidao.rotation",
    "chidao.procedures",
    "chidao.indicators",
    "chidao.api",
    "chidao.demo",
]

MIDDLEWARE = [
    # The request id (X-Request-ID) on every log record and the response, the access log, the request metrics.
    "chidao.core.middleware.RequestIdMiddleware",
    # /healthz, /readyz and /metrics for the load balancer and Prometheus: answered before the HTTPS redirect and
    # the host check (they come over plain HTTP to the server's address), without session or login.
    "chidao.core.middleware.OperationsEndpointsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files served by the app itself (gunicorn in production), compressed and cached for ever.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pages in Vietnamese unless the user switched to English; the API follows Accept-Language.
    "chidao.core.middleware.PageLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Query strings, form fields, file names and JSON bodies in Unicode NFC before anything reads them.
    "chidao.core.middleware.NFCMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A user with a temporary password is sent to the change-password page until they change it.
    "chidao.core.middleware.PasswordChangeRequiredMiddleware",
    # A user whose role requires a second factor, signed in without one, reaches only the enrolment page.
    "chidao.core.middleware.OTPEnrolmentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chidao.urls"
WSGI_APPLICATION = "chidao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "chidao.core.context_processors.notifications",
                "chidao.core.context_processors.can",
                "chidao.programs.context_processors.inbox",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'chidao.sqlite3'}"),
        conn_max_age=int(os.environ.get("CHIDAO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a writer commits; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one IP
# address, that pair is locked out for AXES_COOLOFF_TIME; other users and other addresses are unaffected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Refuses every password when CHIDAO_PASSWORD_LOGIN=0 (before the model backends can accept one).
    "chidao.core.oidc.PasswordLoginSwitchBackend",
    # ModelBackend reading the user with their unit (one query less on every page); ModelBackend stays listed
    # so that sessions opened before keep working.
    "chidao.core.auth.UnitModelBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (OpenID Connect): acts only on the provider's callback, and only when configured.
    "chidao.core.oidc.ChidaoOIDCBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("CHIDAO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind a reverse proxy (docs/production.md: nginx) the client's address comes from X-Forwarded-For, counting
# CHIDAO_TRUSTED_PROXY_COUNT proxies from the right (chidao.core.auth.client_ip); 0 (the default, for a server
# reached directly) believes only the connection's address.
CHIDAO_TRUSTED_PROXY_COUNT = int(os.environ.get("CHIDAO_TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "chidao.core.auth.client_ip"
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_RESET_ON_SUCCESS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's, with its message in Vietnamese (Django's Vietnamese catalog lacks the new one).
    {"NAME": "chidao.core.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions, cookies and headers. Production (CHIDAO_DEBUG=0) runs behind an HTTPS reverse proxy that sets
# X-Forwarded-Proto; CHIDAO_SECURE_COOKIES, CHIDAO_SSL_REDIRECT and CHIDAO_HSTS_SECONDS override the defaults.
SECURE_COOKIES = _env_bool("CHIDAO_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
# Sessions in the database (named, though it is Django's default): any app server answers any request; with
# several servers they share the database and CHIDAO_SECRET_KEY, so sessions, CSRF tokens and password links hold.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60
# htmx sends the token from the page (hx-headers in base.html), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("CHIDAO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preload is the operator's decision (anyone may submit a domain whose header says "preload", and the list then
# holds every subdomain to HTTPS for months): off unless CHIDAO_HSTS_PRELOAD=1, and check --deploy's reminder
# about it is silenced while it is off.
SECURE_HSTS_PRELOAD = _env_bool("CHIDAO_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_SSL_REDIRECT = _env_bool("CHIDAO_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content security policy (django-csp 4): no inline script anywhere; inline styles stay (style attributes in
# templates, htmx's indicator style); charts embedded as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Vietnamese first: msgids are Vietnamese, English is the translation (docs/adr/0002).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["chidao.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Fixed here, from the environment: pytest-django turns DEBUG off later, and the tests must not need collectstatic.
WHITENOISE_AUTOREFRESH = DEBUG
# Source maps (the API docs' bundles) are not compressed: they are fetched by developers' tools only, and
# compressing them (brotli) was most of `chidao collectstatic`'s time (88 s of it on 2 busy cores).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["map", "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz",
                                       "xz", "br", "swf", "flv", "woff", "woff2"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("CHIDAO_MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded and generated files (attachments, decisions, report files, Word templates): on this machine's disk under
# MEDIA_ROOT (the default), or with CHIDAO_STORAGE=s3 in an S3-compatible bucket (django-storages), which every app
# server and worker of a several-machine installation shares (docs/production.md). The bucket stays private: no
# public ACL, no signed URLs handed out; every download goes through Chidao's permission-checked views.
CHIDAO_STORAGE = os.environ.get("CHIDAO_STORAGE", "local").strip().lower()
if CHIDAO_STORAGE == "s3":
    _default_storage: dict = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("CHIDAO_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("CHIDAO_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("CHIDAO_S3_REGION") or None,
            "access_key": os.environ.get("CHIDAO_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("CHIDAO_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("CHIDAO_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": False,  # a stray .url is a dead link, never a way around the views
            "file_overwrite": False,
            "addressing_style": os.environ.get("CHIDAO_S3_ADDRESSING_STYLE") or None,
        },
    }
    if not _default_storage["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("CHIDAO_STORAGE=s3 needs CHIDAO_S3_BUCKET (and usually CHIDAO_S3_ENDPOINT_URL).")
elif CHIDAO_STORAGE == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"CHIDAO_STORAGE must be local or s3, not {CHIDAO_STORAGE!r}.")
STORAGES = {
    "default": _default_storage,
    # Production: `chidao collectstatic` writes hashed, pre-compressed names; DEBUG (and the tests) keep the plain
    # storage so nothing needs collecting first.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: approving documents and progress attachments.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
CHIDAO_UPLOAD_MAX_BYTES = int(os.environ.get("CHIDAO_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
# Zip containers (.xlsx, .docx, .odt, .ods) are refused before anything is parsed when they would unpack to more
# than this in total, or when one member unpacks to more than RATIO times its packed size (a "zip bomb": 1 MB that
# unpacks to gigabytes). Real workbooks: a 150,000-person import unpacks to about 60 MB at ratios under 20.
CHIDAO_UPLOAD_ZIP_MAX_UNPACKED_BYTES = int(os.environ.get("CHIDAO_UPLOAD_ZIP_MAX_UNPACKED_BYTES",
                                                         str(200 * 1024 * 1024)))
CHIDAO_UPLOAD_ZIP_MAX_RATIO = int(os.environ.get("CHIDAO_UPLOAD_ZIP_MAX_RATIO", "100"))
CHIDAO_UPLOAD_EXTENSIONS = [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png"]
CHIDAO_IMPORT_MAX_ROWS = 5000
# The one range of dates accepted on every path (forms, API, imports, query parameters; chidao.core.dates):
# cadres born in the 1940s and historic decisions fit, and a cut-off built from any date stays computable.
CHIDAO_DATE_MIN = dt.date(1900, 1, 1)
CHIDAO_DATE_MAX = dt.date(2100, 12, 31)
CHIDAO_PAGE_SIZE = 25

# Reports. Legal and planning numbers live here, each with its source, never as literals in code.
CHIDAO_REPORTING = {
    # Decree 09/2019/NĐ-CP Art. 12(1): figures run from the 15th of the previous period's last month
    # to the 14th of the period's last month.
    "cutoff_day": 14,
    # Trajectory forecast: completion pace measured over the last N days (house rule, not law).
    "forecast_window_days": 180,
    # Stocktake: an open deliverable due within N days and not yet drafted is "at risk" (amber).
    "at_risk_days": 30,
}

# Indicators (house rules, not law): amber when the latest actual falls short of the target path by at
# most this share of the path value; the forecast is the least-squares line through the last N actuals.
CHIDAO_INDICATORS = {
    "amber_tolerance_percent": 5,
    "forecast_points": 6,
}

# Cadre rules: the legal numbers and lists live in the dated rulebook (chidao/personnel/rulebook.py), each with
# its source and the days it is in force; `chidao rules [--on dd/mm/yyyy]` prints the rulebook of a day. This
# setting holds only local overrides, {key: value} (e.g. {"planning_target_young_percent": 20}); an override is
# shown as such wherever the rule is cited. CHIDAO_RULE_OVERRIDES in the environment (JSON) sets it. After a change
# run `chidao rules rederive` to recompute the stored retirement dates and discipline periods.
CHIDAO_RULE_OVERRIDES: dict = json.loads(os.environ.get("CHIDAO_RULE_OVERRIDES", "") or "{}")

# Planning the moves (house choices an administrator may change, not law): in a rotation round a unit receives at
# most this share of its staff and a person is not sent back to a unit served within `recent_unit_years`; in a
# periodic position change nobody goes back to a post held within `recent_post_years`; the alternatives shown
# per person; the seconds the solver may search for a proof of optimality before returning its best lawful plan.
CHIDAO_ROTATION = {
    "unit_cap_percent": 20,
    "recent_unit_years": 5,
    "recent_post_years": 5,
    "alternatives_shown": 3,
    "solver_seconds": 60,
}

# Service index ("Chỉ số phục vụ người dân, doanh nghiệp", Decision 766/QĐ-TTg of 23/6/2022): the on-time
# component is (dossiers resolved on time / dossiers resolved) x on_time_max_points. The point value is our
# reading of the decision's appendix (group "tiến độ giải quyết", 20 of 100 points) and MUST BE CHECKED
# against the appendix; `min_resolved` (house rule) keeps procedures with too few resolved dossiers out of
# the slowest-procedures list.
CHIDAO_SERVICE_INDEX = {
    "on_time_max_points": 20,
    "min_resolved": 5,
    "source": "Quyết định 766/QĐ-TTg ngày 23/6/2022, Phụ lục (nhóm chỉ tiêu tiến độ giải quyết)",
}

# Where documents are signed ("Hà Nội, ngày ... tháng ... năm ...") - Decree 30/2020/NĐ-CP App. I.
CHIDAO_REPORT_PLACE = os.environ.get("CHIDAO_REPORT_PLACE", "Hà Nội")

# Background work (report builds, reminders) runs through Django's tasks framework. The database
# backend keeps the queue in the app's own database; `chidao db_worker` runs it (several workers
# scale out on PostgreSQL). CHIDAO_TASKS_BACKEND=immediate runs tasks in-process (the tests do).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[os.environ.get("CHIDAO_TASKS_BACKEND", "database")]}}
# Every task (chidao.core.tasks.task_run) tries a transient failure (the database unavailable or locked, a
# file or network error) again, up to max_attempts runs in all, waiting retry_delay_seconds, then
# retry_backoff times longer each time (at most retry_max_delay_seconds); any other error, or the last
# attempt's, is recorded on the job and in the change log. `chidao tasks sweep` takes a job with no sign of
# progress for stale_after_seconds for dead (its worker was killed) and records it as failed; the longest
# silent step, a rotation solve, is at most CHIDAO_ROTATION["solver_seconds"] x 20 re-solves.
# `chidao worker` beats every heartbeat_seconds; a worker silent for heartbeat_stale_seconds is dead and the
# jobs it held are failed at once (by the other workers, a starting one, and the sweep).
CHIDAO_TASKS = {
    "max_attempts": 3,
    "retry_delay_seconds": 5,
    "retry_backoff": 2,
    "retry_max_delay_seconds": 60,
    "stale_after_seconds": 30 * 60,
    "heartbeat_seconds": int(os.environ.get("CHIDAO_TASKS_HEARTBEAT_SECONDS", "10")),
    "heartbeat_stale_seconds": int(os.environ.get("CHIDAO_TASKS_HEARTBEAT_STALE_SECONDS", "30")),
    # A job whose worker died is queued again this many times (a new attempt), then recorded as failed.
    "lost_requeues": 1,
}

# Backups (`chidao backup` / `chidao restore`, chidao/core/backup.py). The manifest is signed (HMAC-SHA256) with
# CHIDAO_BACKUP_SIGNING_KEY, or when it is unset with a key derived from CHIDAO_SECRET_KEY: a restore refuses an
# archive that is unsigned or signed with another key. Set the same signing key on the machine that restores.
# CHIDAO_BACKUP_RECIPIENTS (age public keys "age1...", comma-separated) encrypts every archive to them; the
# matching identity file, kept by the operator off this server, is needed to restore (CHIDAO_BACKUP_IDENTITY_FILE
# or `chidao restore --identity FILE`). `chidao backup --new-key FILE` makes a key pair.
CHIDAO_BACKUP_SIGNING_KEY = os.environ.get("CHIDAO_BACKUP_SIGNING_KEY", "")
CHIDAO_BACKUP_RECIPIENTS = [r.strip() for r in os.environ.get("CHIDAO_BACKUP_RECIPIENTS", "").split(",") if r.strip()]
CHIDAO_BACKUP_IDENTITY_FILE = os.environ.get("CHIDAO_BACKUP_IDENTITY_FILE", "")

# Digital signatures (issue 18, chidao/core/signing.py). The PDFs Chidao issues (reports, rotation plans) are signed
# with the issuing body's key: a PKCS#12 file (CHIDAO_SIGNING_PKCS12 + CHIDAO_SIGNING_PASSWORD) or a key on a
# hardware token (CHIDAO_SIGNING_PKCS11_MODULE, the token and key labels, CHIDAO_SIGNING_PIN). Unset: unsigned.
# Uploaded PDFs are checked against the trust roots (PEM) in CHIDAO_TRUST_ROOTS (`chidao trust add FILE.pem`).
CHIDAO_SIGNING = {
    "pkcs12": os.environ.get("CHIDAO_SIGNING_PKCS12", ""),
    "password": os.environ.get("CHIDAO_SIGNING_PASSWORD", ""),
    "pkcs11_module": os.environ.get("CHIDAO_SIGNING_PKCS11_MODULE", ""),
    "token_label": os.environ.get("CHIDAO_SIGNING_TOKEN_LABEL", ""),
    "key_label": os.environ.get("CHIDAO_SIGNING_KEY_LABEL", ""),
    "cert_label": os.environ.get("CHIDAO_SIGNING_CERT_LABEL", ""),
    "pin": os.environ.get("CHIDAO_SIGNING_PIN", ""),
}
CHIDAO_TRUST_ROOTS = Path(os.environ.get("CHIDAO_TRUST_ROOTS", VAR_DIR / "trust"))

# Mail (password links, reminders): the SMTP server from the environment; with no CHIDAO_EMAIL_HOST mail is printed
# to the console (demo). CHIDAO_EMAIL_USE_TLS=1 for STARTTLS (port 587), CHIDAO_EMAIL_USE_SSL=1 for port 465.
EMAIL_HOST = os.environ.get("CHIDAO_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "CHIDAO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("CHIDAO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("CHIDAO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CHIDAO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("CHIDAO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("CHIDAO_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("CHIDAO_EMAIL_TIMEOUT", "20"))
# With CHIDAO_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: the folder mail is written to.
EMAIL_FILE_PATH = os.environ.get("CHIDAO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("CHIDAO_FROM_EMAIL", "chidao@localhost")
# Links in mail point here (the address users reach the server at, behind any proxy).
CHIDAO_SITE_URL = os.environ.get("CHIDAO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Password links (first password, forgotten password) work once and for this many seconds (3 days).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("CHIDAO_PASSWORD_LINK_SECONDS", str(3 * 24 * 3600)))

# API tokens expire after this many days unless created shorter.
CHIDAO_TOKEN_DAYS = int(os.environ.get("CHIDAO_TOKEN_DAYS", "90"))
# Sign-in with a password can be switched off once single sign-on works (CHIDAO_PASSWORD_LOGIN=0).
CHIDAO_PASSWORD_LOGIN = _env_bool("CHIDAO_PASSWORD_LOGIN", True)
# Caches: "limits" holds the forgot-password counters (chidao.core.password_views: 5 an hour per client address
# and per email address) in files, so that every web worker of the machine counts together. Outside CHIDAO_VAR_DIR:
# counters are not data to back up (Django creates the folder as soon as the cache is configured).
# Several app servers must count together too: CHIDAO_CACHE_URL puts both caches in a shared store, either Redis
# (redis://HOST:6379/0, rediss:// for TLS) or a table of the database (db://chidao_cache, made by
# `chidao createcachetable`, which scripts/prod-setup.sh runs).
CHIDAO_CACHE_URL = os.environ.get("CHIDAO_CACHE_URL", "").strip()


def _shared_cache(url: str, prefix: str) -> dict:
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    if url.startswith("db://") and url[len("db://"):]:
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": url[len("db://"):],
                "KEY_PREFIX": prefix}
    raise ImproperlyConfigured(f"CHIDAO_CACHE_URL must be redis://..., rediss://... or db://TABLE, not {url!r}.")


if CHIDAO_CACHE_URL:
    CACHES = {"default": _shared_cache(CHIDAO_CACHE_URL, "chidao"),
              "limits": _shared_cache(CHIDAO_CACHE_URL, "chidao-limits")}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CHIDAO_LIMITS_CACHE_DIR",
                                       str(Path(tempfile.gettempdir()) / "chidao-limits")),
        },
    }
# Single sign-on (OpenID Connect) is on when CHIDAO_OIDC_ISSUER is set: the provider's endpoints come from its
# discovery document; the claim named CHIDAO_OIDC_USERNAME_CLAIM carries the login name matched to an existing
# user; no account is created unless CHIDAO_OIDC_CREATE_USERS=1.
CHIDAO_OIDC_ISSUER = os.environ.get("CHIDAO_OIDC_ISSUER", "").rstrip("/")
OIDC_RP_CLIENT_ID = os.environ.get("CHIDAO_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("CHIDAO_OIDC_CLIENT_SECRET", "")
CHIDAO_OIDC_USERNAME_CLAIM = os.environ.get("CHIDAO_OIDC_USERNAME_CLAIM", "preferred_username")
CHIDAO_OIDC_CREATE_USERS = _env_bool("CHIDAO_OIDC_CREATE_USERS", False)
# Second factor (TOTP, django-otp): required for these roles, optional for the others.
CHIDAO_OTP_REQUIRED_ROLES = [
    r for r in os.environ.get("CHIDAO_OTP_REQUIRED_ROLES", "admin,personnel").split(",") if r
]
OTP_TOTP_ISSUER = os.environ.get("CHIDAO_OTP_ISSUER", "Chidao")
# mozilla-django-oidc (chidao.core.oidc): the provider's endpoints come from its discovery document at the first
# sign-in (cached for the life of the process), not from settings; ID tokens RS256 against the provider's JWKS,
# the code exchange with PKCE. Redirect address to register at the provider: <site>/dang-nhap/sso/callback/.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = int(os.environ.get("CHIDAO_OIDC_TIMEOUT", "10"))
OIDC_VERIFY_SSL = _env_bool("CHIDAO_OIDC_VERIFY_SSL", True)
OIDC_CREATE_USER = CHIDAO_OIDC_CREATE_USERS
LOGIN_REDIRECT_URL_FAILURE = "login"
# Daily reminders (`chidao reminders`): deliverables due within this many days, and overdue ones.
CHIDAO_REMINDER_DAYS_AHEAD = int(os.environ.get("CHIDAO_REMINDER_DAYS_AHEAD", "7"))

# Logs go to standard error (systemd's journal, a container's log). CHIDAO_LOG_FORMAT=text (the default: readable
# lines) or json (one JSON object a line, for a log collector: time, level, logger, message, request_id, job_id and
# the access log's fields). Every record carries the request's id (X-Request-ID) or the background job's
# (chidao.core.logs). `chidao.request` writes one line a request (method, path without query values, status,
# duration, user id) at INFO; CHIDAO_ACCESS_LOG=0 silences it.
CHIDAO_LOG_FORMAT = os.environ.get("CHIDAO_LOG_FORMAT", "text").strip().lower()
if CHIDAO_LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"CHIDAO_LOG_FORMAT must be text or json, not {CHIDAO_LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "chidao.core.logs.ContextFilter"},
                "operations": {"()": "chidao.core.logs.OperationsNoiseFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s%(job_id)s] %(message)s"},
        "json": {"()": "chidao.core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"],
                             "formatter": CHIDAO_LOG_FORMAT}},
    "loggers": {"chidao.request": {"level": "INFO" if _env_bool("CHIDAO_ACCESS_LOG", True) else "WARNING"},
                "django.request": {"filters": ["operations"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("CHIDAO_LOG_LEVEL", "WARNING")},
}

# Operations (docs/production.md, Operations). /readyz also requires a live `chidao worker` unless
# CHIDAO_READYZ_WORKER=0. /metrics (Prometheus) answers only `Authorization: Bearer <CHIDAO_METRICS_TOKEN>` when
# that is set, else only loopback and CHIDAO_METRICS_ALLOWED_IPS (addresses or networks, comma-separated).
CHIDAO_READYZ_WORKER = _env_bool("CHIDAO_READYZ_WORKER", True)
CHIDAO_METRICS_TOKEN = os.environ.get("CHIDAO_METRICS_TOKEN", "")
CHIDAO_METRICS_ALLOWED_IPS = [a.strip() for a in os.environ.get("CHIDAO_METRICS_ALLOWED_IPS", "").split(",")
                              if a.strip()]


def sentry_init(environ: dict[str, str] | os._Environ[str]) -> bool:
    """Error reports to Sentry (or a compatible server such as GlitchTip) when CHIDAO_SENTRY_DSN is set; off
    otherwise. No personal data is sent (send_default_pii=False: no user, cookies, headers or request bodies);
    CHIDAO_SENTRY_ENVIRONMENT (default "production") and CHIDAO_SENTRY_RELEASE label the reports,
    CHIDAO_SENTRY_TRACES_SAMPLE_RATE (default 0) turns on performance traces. Returns whether it was started."""
    dsn = environ.get("CHIDAO_SENTRY_DSN", "").strip()
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn, integrations=[DjangoIntegration()], send_default_pii=False,
        environment=environ.get("CHIDAO_SENTRY_ENVIRONMENT", "production"),
        release=environ.get("CHIDAO_SENTRY_RELEASE") or None,
        traces_sample_rate=float(environ.get("CHIDAO_SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )
    return True


CHIDAO_SENTRY = sentry_init(os.environ)
