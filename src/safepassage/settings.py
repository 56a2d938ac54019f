"""Safe Passage settings: one module, every value from the environment.

``SAFEPASSAGE_MODE`` chooses how strict start-up is:

- ``production`` (the default): nothing is invented. A real secret key, allowed hosts, the
  vault keyring, the blind-index key and the audit key must be supplied, or start-up stops
  with a message naming what is missing.
- ``demo``: a local, single-machine site on SQLite; missing keys are created once under
  ``var/secrets`` (never committed, never in the database) and reused afterwards.
- ``test``: like demo, but keys live in a throwaway folder and e-mail goes where the tests say.

README.md lists every variable.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from safepassage.environment import (
    env,
    envbool,
    envint,
    envlist,
    envsecret,
    local_secret_file,
    private_directory,
)

PACKAGE_DIR = Path(__file__).resolve().parent
MODE = env("MODE", "production")
if MODE not in {"production", "demo", "test"}:
    raise ImproperlyConfigured("SAFEPASSAGE_MODE must be production, demo or test")
PRODUCTION = MODE == "production"
if env("FAULT_AT", "") and MODE != "test":
    raise ImproperlyConfigured("SAFEPASSAGE_FAULT_AT (fault injection) is for test mode only")

VAR_DIR = Path(env("VAR_DIR", str(Path.cwd() / "var"))).resolve()
if MODE == "test":
    VAR_DIR = Path(tempfile.mkdtemp(prefix="safepassage-test-"))
SECRETS_DIR = VAR_DIR / "secrets"


def _secret(name: str, local_name: str) -> str:
    """A secret from the environment; in demo and test mode one is made on first use."""
    value = envsecret(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(
            f"SAFEPASSAGE_{name} (or SAFEPASSAGE_{name}_FILE) must be set in production"
        )
    return local_secret_file(SECRETS_DIR / local_name).read_text(encoding="utf-8").strip()


SECRET_KEY = _secret("SECRET_KEY", "django-secret-key")
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SAFEPASSAGE_SECRET_KEY is too short or too simple")

DEBUG = envbool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("SAFEPASSAGE_DEBUG cannot be on in production")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("SAFEPASSAGE_ALLOWED_HOSTS must name the site's host(s)")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
BASE_URL = env("BASE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("SAFEPASSAGE_BASE_URL must be the site's https:// address")

# --- Keys kept outside the database -------------------------------------------------------
# The vault keyring holds the master keys that wrap every record's data key. A keyring file
# lets `safepassage keys rotate` add keys; SAFEPASSAGE_VAULT_KEYRING may carry it inline.
# The keyring file is not an ordinary ``_FILE`` secret: the keys command rewrites it, so it
# must stay a path, never be read into the inline value (which would make it read-only).
VAULT_KEYRING_FILE = env("VAULT_KEYRING_FILE", "").strip()
VAULT_KEYRING = env("VAULT_KEYRING", "").strip()
if VAULT_KEYRING_FILE and VAULT_KEYRING:
    raise ImproperlyConfigured(
        "Set SAFEPASSAGE_VAULT_KEYRING_FILE or SAFEPASSAGE_VAULT_KEYRING, not both"
    )
if not VAULT_KEYRING_FILE and not VAULT_KEYRING:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "The vault needs its master keys: set SAFEPASSAGE_VAULT_KEYRING_FILE "
            "(or SAFEPASSAGE_VAULT_KEYRING)"
        )
    VAULT_KEYRING_FILE = str(SECRETS_DIR / "vault-keyring.json")
VAULT_CREATE_KEYRING = not PRODUCTION
BLIND_INDEX_KEY = _secret("BLIND_INDEX_KEY", "blind-index-key")
AUDIT_KEY = _secret("AUDIT_KEY", "audit-key")
if len({SECRET_KEY, BLIND_INDEX_KEY, AUDIT_KEY}) != 3:
    raise ImproperlyConfigured("The secret key, blind-index key and audit key must differ")
# Where the audit head is appended every hour, to catch a log cut short or wiped; "" turns
# it off. Point it at a place the database server cannot write. Off by default in test
# mode: the tests empty the database between tests, so a head anchored by one test would
# make the next one's log look cut short (the anchor's own tests name a file each).
AUDIT_ANCHOR_FILE = env(
    "AUDIT_ANCHOR_FILE", "" if MODE == "test" else str(VAR_DIR / "audit-anchor.jsonl")
)
# Also e-mail the head to every director once in this many hours (their mailboxes are
# outside the database); 0 turns it off, 24 is daily.
AUDIT_ANCHOR_MAIL_HOURS = envint("AUDIT_ANCHOR_MAIL_HOURS", 0)
# Backups (`safepassage backup`) are sealed under their own key, kept apart from the site
# (a restore needs it): optional in production until the first backup.
BACKUP_KEY = envsecret("BACKUP_KEY") or (
    "" if PRODUCTION else local_secret_file(SECRETS_DIR / "backup-key").read_text().strip()
)
if BACKUP_KEY and (len(BACKUP_KEY) < 32 or BACKUP_KEY in {SECRET_KEY, BLIND_INDEX_KEY, AUDIT_KEY}):
    raise ImproperlyConfigured(
        "SAFEPASSAGE_BACKUP_KEY must be at least 32 characters and differ from the other keys"
    )
BACKUP_KEYS_FILE = env("BACKUP_KEYS_FILE", str(VAR_DIR / "backups" / "latest.keys"))

# --- Applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "safepassage.base",
    "safepassage.accounts",
    "safepassage.vault",
    "safepassage.audit",
    "safepassage.web",
    "safepassage.cases",
    "safepassage.rescue",
    "safepassage.funds",
    "safepassage.fundraising",
    "safepassage.reports",
    "safepassage.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "axes",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safepassage.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safepassage.accounts.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safepassage.accounts.middleware.SecondFactorRequiredMiddleware",
    "safepassage.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safepassage.urls"
WSGI_APPLICATION = "safepassage.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safepassage.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'safepassage.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if PRODUCTION and not env("DATABASE_URL", "") and not envbool("ALLOW_SQLITE", False):
    raise ImproperlyConfigured(
        "Production needs SAFEPASSAGE_DATABASE_URL (PostgreSQL); set "
        "SAFEPASSAGE_ALLOW_SQLITE=true to run a single-machine site on SQLite on purpose"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so two writers never both read the audit
    # chain's head and then deadlock upgrading their locks. secure_delete zeroes what a
    # write frees (a shredded record's wrapped key, its old pseudonyms) instead of leaving
    # it in the page's free space for anyone who reads the file.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if MODE != "test":
        private_directory(VAR_DIR)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "safepassage_cache",
    }
}

# --- Background work ------------------------------------------------------------------------
# "mail-urgent": e-mails someone is waiting for (a subscription's confirmation link), ahead
# of "mail-bulk" (a report to every subscriber); ``safepassage worker`` takes all three.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail-urgent", "mail-bulk"],
    }
}

# --- Accounts and sessions ------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = envint("SESSION_MAX_HOURS", 12, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
IDLE_TIMEOUT_SECONDS = envint("IDLE_TIMEOUT_MINUTES", 30, minimum=1) * 60
RECENT_AUTH_SECONDS = envint("REAUTH_MINUTES", 10, minimum=1) * 60
INVITATION_HOURS = envint("INVITATION_HOURS", 72, minimum=1)

OTP_TOTP_ISSUER = env("ORGANISATION_NAME", "Safe Passage")
ORGANISATION_NAME = env("ORGANISATION_NAME", "Safe Passage")

# Login throttling that cannot be aimed at a named person (accounts/throttle.py): a fast
# lock per account-and-address pair; past the account limit (all addresses together) only
# browsers that signed in to the account before go on, and its owner is e-mailed; past the
# address limit (over any accounts) that address is locked. All counted over the cool-off.
# X-Forwarded-For is trusted only for the configured number of proxies in front.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
LOGIN_ACCOUNT_FAILURE_LIMIT = envint("LOGIN_ACCOUNT_FAILURE_LIMIT", 20, minimum=2)
LOGIN_ADDRESS_FAILURE_LIMIT = envint("LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=2)
if min(LOGIN_ACCOUNT_FAILURE_LIMIT, LOGIN_ADDRESS_FAILURE_LIMIT) <= AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "SAFEPASSAGE_LOGIN_ACCOUNT_FAILURE_LIMIT and _ADDRESS_FAILURE_LIMIT must be above "
        "SAFEPASSAGE_LOGIN_FAILURE_LIMIT"
    )
# Wrong authenticator codes double the wait (1, 2, 4 … seconds), up to this many seconds.
LOGIN_CODE_BACKOFF_MAX_SECONDS = envint("LOGIN_CODE_BACKOFF_MAX_SECONDS", 300, minimum=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "safepassage.accounts.throttle.SignInHandler"
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "safepassage.accounts.throttle.username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "safepassage.accounts.views.locked_out"
# No row per successful sign-in, no failure log kept for ever, no form values in the rows.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_SENSITIVE_PARAMETERS = ["email", "password", "code", "csrfmiddlewaretoken", "next"]
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "safepassage.web.views.csrf_failure"
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = (
        ("HTTP_X_FORWARDED_PROTO", "https") if AXES_IPWARE_PROXY_COUNT else None
    )
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", True)
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# A form body (files aside) up to this size reaches its form, which refuses an over-long
# field itself and shows the form again with what was typed; only a body far beyond any
# form's fields is refused whole, with the framed 413 page (web.views.request_too_large).
# Keep it well above the longest field (20,000 Hangul characters are 180 kB once encoded)
# and no higher: the check-in page and the public forms take it unauthenticated.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("MAX_REQUEST_BYTES", 2 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

# --- Languages ------------------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE", "ko")
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["safepassage.base.formats"]
USE_I18N = True
TIME_ZONE = env("TIME_ZONE", "Asia/Seoul")
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if MODE == "test":
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- E-mail ---------------------------------------------------------------------------------
_EMAIL_BACKEND = env("EMAIL_BACKEND", "smtp" if PRODUCTION else "file")
if _EMAIL_BACKEND == "smtp":
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST", "localhost"),
                "port": envint("EMAIL_PORT", 25, minimum=1),
                "username": env("EMAIL_USER", ""),
                "password": envsecret("EMAIL_PASSWORD"),
                "use_tls": envbool("EMAIL_USE_TLS", False),
                "timeout": 20,
            },
        }
    }
elif _EMAIL_BACKEND == "file":
    # The demo writes each message to var/mail/ instead of sending it.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
else:
    raise ImproperlyConfigured("SAFEPASSAGE_EMAIL_BACKEND must be smtp or file")
DEFAULT_FROM_EMAIL = env("FROM_EMAIL", "Safe Passage <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging: no request bodies, no protected values, no stack traces to clients -----------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"secret_paths": {"()": "safepassage.web.redaction.RedactSecretPaths"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["secret_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        # Django's default gives runserver's request lines a handler of their own, which
        # would bypass the redaction; they go through the filtered console instead.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
    },
}

# --- Pseudonyms -----------------------------------------------------------------------------
PSEUDONYM_STYLE = env("PSEUDONYM_STYLE", "surname")
if PSEUDONYM_STYLE not in {"surname", "initial", "none"}:
    raise ImproperlyConfigured("SAFEPASSAGE_PSEUDONYM_STYLE must be surname, initial or none")
REVEAL_MINUTES = envint("REVEAL_MINUTES", 5, minimum=1)
# Lists and exports of people generalise sex, birth year, province, status and pseudonym
# until every row shares them with at least this many - 1 others (1: exact values).
EXPORT_MIN_GROUP = envint("EXPORT_MIN_GROUP", 3, minimum=1)

# --- Cases ----------------------------------------------------------------------------------
try:
    PRIORITY_WEIGHTS = json.loads(env("PRIORITY_WEIGHTS", "{}"))
    if not isinstance(PRIORITY_WEIGHTS, dict) or not all(
        isinstance(v, int) and v >= 0 for v in PRIORITY_WEIGHTS.values()
    ):
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        'SAFEPASSAGE_PRIORITY_WEIGHTS must be a JSON object of whole numbers, e.g. {"woman": 10}'
    ) from None
RETENTION_DAYS = envint("RETENTION_DAYS", 365 * 5, minimum=1)

# --- Rescue missions ------------------------------------------------------------------------
# Minutes past a leg's arrival window (or the delay a partner announced) before the mission
# turns overdue (coordinators alerted), is escalated (the director too) and is marked silent
# (an urgent-case draft is prepared for the advocacy team).
RESCUE_OVERDUE_MINUTES = envint("RESCUE_OVERDUE_MINUTES", 60, minimum=1)
RESCUE_ESCALATE_MINUTES = envint("RESCUE_ESCALATE_MINUTES", 6 * 60, minimum=2)
RESCUE_SILENT_MINUTES = envint("RESCUE_SILENT_MINUTES", 24 * 60, minimum=3)
if not RESCUE_OVERDUE_MINUTES < RESCUE_ESCALATE_MINUTES < RESCUE_SILENT_MINUTES:
    raise ImproperlyConfigured(
        "SAFEPASSAGE_RESCUE_OVERDUE_MINUTES < _ESCALATE_MINUTES < _SILENT_MINUTES must hold"
    )
RESCUE_WATCH_MINUTES = envint("RESCUE_WATCH_MINUTES", 2, minimum=1)
# A partner's "arrived" before this share (in percent) of the leg's planned hours has passed
# since the leg began is recorded but flagged for the coordinator and does not move the
# group (0: never flagged). The same report from the same link on the same leg within the
# repeat minutes is one check-in (a double tap, a retry with a new key).
RESCUE_EARLY_PERCENT = envint("RESCUE_EARLY_PERCENT", 50, minimum=0)
if RESCUE_EARLY_PERCENT > 100:
    raise ImproperlyConfigured("SAFEPASSAGE_RESCUE_EARLY_PERCENT must be between 0 and 100")
CHECKIN_REPEAT_MINUTES = envint("CHECKIN_REPEAT_MINUTES", 10, minimum=0)
CHECKIN_LINK_DAYS = envint("CHECKIN_LINK_DAYS", 30, minimum=1)
# Wrong tokens allowed per address, and wrong PINs per link, before the answer is 429.
CHECKIN_GUESS_RATE = env("CHECKIN_GUESS_RATE", "20/h")
if not re.fullmatch(r"[1-9]\d*/(?:[1-9]\d*)?[smhd]", CHECKIN_GUESS_RATE):
    raise ImproperlyConfigured('SAFEPASSAGE_CHECKIN_GUESS_RATE must look like "20/h" or "5/10m"')
CHECKIN_PIN_FAILURES = envint("CHECKIN_PIN_FAILURES", 8, minimum=3)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_ENABLE = True

# --- Uploads: in memory only, never a temporary file in clear -----------------------------
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_MB", 20, minimum=1) * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["safepassage.base.uploads.MemoryOnlyUpload"]

# --- Funds ----------------------------------------------------------------------------------
# Every amount is also kept in this currency, at the rate of the day it was received or spent.
BASE_CURRENCY = env("BASE_CURRENCY", "KRW").upper()
try:
    import iso4217 as _iso4217

    _iso4217.Currency(BASE_CURRENCY)
except (ValueError, KeyError):
    raise ImproperlyConfigured(
        "SAFEPASSAGE_BASE_CURRENCY must be an ISO 4217 code, e.g. KRW"
    ) from None
# Bank-statement lines from these payers are the giving platform's payouts: their gifts come
# in through the platform's own export, so the payout is a transfer, not a new donation.
PLATFORM_PAYOUT_NAMES = envlist("PLATFORM_PAYOUT_NAMES", "GivingPlatform Inc")
# An amount above its currency's ceiling (whole units) needs an explicit "confirm this amount"
# on the form that records it: a gift, an expense, a mission's cost. An amount in a currency
# with no ceiling of its own is compared, converted, with the base currency's. The variable
# (a JSON object, e.g. {"KRW": 5000000}) replaces the defaults of the currencies it names.
AMOUNT_CONFIRM_DEFAULTS = {
    "KRW": 10_000_000,
    "USD": 10_000,
    "EUR": 10_000,
    "GBP": 8_000,
    "CAD": 13_000,
    "JPY": 1_500_000,
    "CNY": 70_000,
    "THB": 350_000,
    "LAK": 200_000_000,
    "VND": 250_000_000,
}
try:
    _confirm_above = json.loads(env("AMOUNT_CONFIRM_ABOVE", "{}"))
    if not isinstance(_confirm_above, dict) or not all(
        isinstance(k, str) and re.fullmatch(r"[A-Z]{3}", k) and isinstance(v, int) and v > 0
        for k, v in _confirm_above.items()
    ):
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        "SAFEPASSAGE_AMOUNT_CONFIRM_ABOVE must be a JSON object of currency codes and whole "
        'amounts above zero, e.g. {"KRW": 5000000}'
    ) from None
AMOUNT_CONFIRM_ABOVE = {**AMOUNT_CONFIRM_DEFAULTS, **_confirm_above}

# --- Receipts: the organisation as the Korean donation receipt (기부금영수증) names it -----
# The official form (소득세법 시행규칙 별지 제45호의2서식) prints these on every Korean
# receipt. In production they are empty until set, and a Korean receipt is refused while
# the name, registration number, address or legal basis is missing; in demo and test mode
# they are made-up values that cannot be mistaken for a real organisation's.
_DEMO_RECEIPTS = not PRODUCTION
RECEIPT_ORGANISATION_NAME = env(
    "RECEIPT_ORGANISATION_NAME", f"{ORGANISATION_NAME} (데모)" if _DEMO_RECEIPTS else ""
)
RECEIPT_REGISTRATION_NUMBER = env(
    "RECEIPT_REGISTRATION_NUMBER", "000-00-00000" if _DEMO_RECEIPTS else ""
)
if RECEIPT_REGISTRATION_NUMBER and not re.fullmatch(
    r"\d{3}-\d{2}-\d{5}", RECEIPT_REGISTRATION_NUMBER
):
    raise ImproperlyConfigured(
        "SAFEPASSAGE_RECEIPT_REGISTRATION_NUMBER must look like 123-45-67890 "
        "(사업자등록번호 or 고유번호)"
    )
RECEIPT_ADDRESS = env(
    "RECEIPT_ADDRESS", "데모시 견본구 예시로 0 (가상 주소)" if _DEMO_RECEIPTS else ""
)
RECEIPT_REPRESENTATIVE = env("RECEIPT_REPRESENTATIVE", "데모 대표" if _DEMO_RECEIPTS else "")
RECEIPT_LEGAL_BASIS = env(
    "RECEIPT_LEGAL_BASIS", "법인세법 시행령 제39조제1항제1호바목 (데모)" if _DEMO_RECEIPTS else ""
)
# The form's 유형 and 코드 of the organisation's gifts: 10 (특례, formerly 법정) or 40
# (일반, formerly 지정, other than religious bodies), as its designation says.
RECEIPT_DONATION_CODES = {
    "10": "특례기부금",
    "40": "일반기부금",
    "41": "종교단체 기부금",
}
RECEIPT_DONATION_CODE = env("RECEIPT_DONATION_CODE", "40")
if RECEIPT_DONATION_CODE not in RECEIPT_DONATION_CODES:
    raise ImproperlyConfigured(
        "SAFEPASSAGE_RECEIPT_DONATION_CODE must be one of "
        + ", ".join(sorted(RECEIPT_DONATION_CODES))
    )
RECEIPT_DONATION_TYPE = env("RECEIPT_DONATION_TYPE", RECEIPT_DONATION_CODES[RECEIPT_DONATION_CODE])
# ③ 기부금 모집처: only when a press or other agent collected the gifts on the
# organisation's behalf; empty leaves the section blank, as the form allows.
RECEIPT_AGENT_NAME = env("RECEIPT_AGENT_NAME", "")
RECEIPT_AGENT_REGISTRATION_NUMBER = env("RECEIPT_AGENT_REGISTRATION_NUMBER", "")
RECEIPT_AGENT_ADDRESS = env("RECEIPT_AGENT_ADDRESS", "")

# --- Hope Sharing ---------------------------------------------------------------------------
# A sponsor's profile of "their" person must be shared by at least this many people.
HOPE_PROFILE_MIN_GROUP = envint("HOPE_PROFILE_MIN_GROUP", 5, minimum=2)

# --- Reports: who was rescued ---------------------------------------------------------------
# A report's "who" table counts a person by their age at arrival (the arrival's year less
# the birth year): a child under the first, a teenager from it to under the second, an
# adult (woman, man, or sex not recorded) from the second on.
REPORT_CHILD_UNDER = envint("REPORT_CHILD_UNDER", 13, minimum=1)
REPORT_ADULT_FROM = envint("REPORT_ADULT_FROM", 18, minimum=1)
if REPORT_CHILD_UNDER > REPORT_ADULT_FROM:
    raise ImproperlyConfigured(
        "SAFEPASSAGE_REPORT_CHILD_UNDER must not be above SAFEPASSAGE_REPORT_ADULT_FROM"
    )
# Every published list entry and table cell of a report describes at least this many
# people (a family counting once), or is generalised, held back or hidden.
REPORT_MIN_GROUP = envint("REPORT_MIN_GROUP", 3, minimum=2)
