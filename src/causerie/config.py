"""Settings: defaults < TOML file < environment variables ``CAUSERIE_*``.

Every setting is a field of :class:`Settings`. A TOML file names them in
lower case (``database_url = "…"``); the environment in upper case with the
``CAUSERIE_`` prefix (``CAUSERIE_DATABASE_URL``). Lists are written as TOML
arrays or, in the environment, as comma-separated values. A bad value stops
start-up with :class:`ConfigError`, whose message names the setting.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "CAUSERIE_"
MODERATION_MODES = ("publish", "hold_all", "hold_first")
LANGUAGES = ("fr", "en", "ar")
# A thread's JSON nests two levels per reply; 100 keeps it far below orjson's limit (255).
MAX_REPLY_DEPTH = 100
RETENTION_SETTINGS = (
    "discard_retention_days",
    "personal_data_retention_days",
    "spam_retention_days",
    "unconfirmed_retention_days",
    "privacy_log_retention_days",
    "purge_interval_minutes",
)
OUTBOX_SETTINGS = (
    "outbox_poll_ms",
    "outbox_gather_ms",
    "outbox_lease_seconds",
    "outbox_retry_seconds",
    "outbox_retry_max_seconds",
    "outbox_give_up_hours",
    "outbox_concurrency",
    "outbox_keep_days",
    "webhook_timeout_seconds",
)


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Every setting of a Causerie server, with its default."""

    database_url: str = "sqlite:///causerie.db"
    # Origins (scheme://host[:port]) whose pages may post comments.
    allowed_origins: tuple[str, ...] = ()
    # Used to sign edit tokens and to hash IP addresses; `causerie init` writes one.
    secret: str = ""
    host: str = "127.0.0.1"
    port: int = 8080
    # The address readers use to reach this server (for links in e-mails).
    public_url: str = ""
    default_language: str = "fr"
    # Defaults for every site; each site may override them from the dashboard.
    moderation: str = "publish"
    edit_window_seconds: int = 900
    allow_anonymous: bool = False
    anonymous_name: str = ""
    max_comment_length: int = 10_000
    max_name_length: int = 80
    # Replies nest this deep at most; a reply to a deeper comment joins its deepest
    # allowed ancestor, as forums do (and a thread stays readable: 1-100).
    max_reply_depth: int = 32
    # Serve the demo article page at /demo.
    demo: bool = True
    # On the first start, give the demo article a few comments (`make demo` turns it on).
    demo_seed: bool = False
    # Proxies whose X-Forwarded-For / Forwarded headers are trusted (IPs or CIDRs).
    trusted_proxies: tuple[str, ...] = ()
    # Rate limit for new comments per reader (per hashed IP), per minute; 0 = off.
    comments_per_minute: int = 6
    redis_url: str = ""
    # Server processes (`causerie serve --workers`); several without Redis bound cache staleness.
    workers: int = 1
    # "FULL" makes each accepted comment survive a power cut, not only a crash.
    sqlite_synchronous: str = "FULL"
    spam_filter: bool = True
    # The toxicity model (docs/moderation.md); each site chooses its policy.
    toxicity_filter: bool = True
    # Hold the third copy of a new template from 2+ authors (docs/spam.md, waves).
    spam_waves: bool = True
    # Days after which spam verdicts of kind `discard` are purged.
    discard_retention_days: int = 7
    # Privacy (docs/privacy.md): days before e-mail, IP hash/prefix and user agent
    # leave a comment; spam comments; unconfirmed reply subscriptions; request log.
    personal_data_retention_days: int = 90
    spam_retention_days: int = 30
    unconfirmed_retention_days: int = 7
    privacy_log_retention_days: int = 365
    # Who answers for the data (name and e-mail or postal address), shown on /privacy.
    privacy_contact: str = ""
    purge_interval_minutes: int = 60
    # Outgoing mail (reply notifications, privacy confirmations); no host = no mail.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = True
    # The outbox of outgoing messages (docs/notifications.md): how often the worker
    # looks, how long a claimed message stays reserved, retries and when to give up.
    # false: the server does not send; run `causerie outbox run` beside it.
    outbox_worker: bool = True
    outbox_poll_ms: int = 1000
    # 200: each cycle (claim, expand, settle) costs about the same for 5 messages or 40;
    # one webhook's CPU per post: +30 % at 50 ms, +7 % at 200 ms (two noisy pairs,
    # docs/performance.md).
    outbox_gather_ms: int = 200
    outbox_lease_seconds: int = 60
    outbox_retry_seconds: int = 10
    outbox_retry_max_seconds: int = 3600
    outbox_give_up_hours: int = 48
    outbox_concurrency: int = 4
    # Sent and given-up messages (they hold addresses and texts) are deleted after this.
    outbox_keep_days: int = 7
    # A webhook call that takes longer fails (and is retried later).
    webhook_timeout_seconds: int = 10
    log_level: str = "info"

    @property
    def is_sqlite(self) -> bool:
        """True when the database is a SQLite file."""
        return self.database_url.startswith("sqlite")


def load_settings(
    config_file: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Build settings from defaults, then the TOML file, then the environment."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or environ.get(ENV_PREFIX + "CONFIG")
    if path:
        values.update(_read_toml(Path(path)))
    fields = {f.name: f for f in dataclasses.fields(Settings)}
    for name, fld in fields.items():
        raw = environ.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = _parse_env(name, raw, _field_type(fld))
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]!r} in {path}")
    for name, value in values.items():
        values[name] = _check_type(name, value, _field_type(fields[name]))
    settings = Settings(**values)
    _validate(settings)
    return settings


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None


def _field_type(fld: dataclasses.Field[Any]) -> Any:
    hints = typing.get_type_hints(Settings)
    return hints[fld.name]


def _parse_env(name: str, raw: str, kind: Any) -> Any:
    setting = ENV_PREFIX + name.upper()
    if kind is bool:
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{setting}: expected true or false, got {raw!r}")
    if kind is int:
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{setting}: expected a whole number, got {raw!r}") from None
    if typing.get_origin(kind) is tuple:
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return raw


def _check_type(name: str, value: Any, kind: Any) -> Any:
    if typing.get_origin(kind) is tuple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{name}: expected a list of strings")
        return tuple(value)
    expected = kind if isinstance(kind, type) else str
    if isinstance(kind, types.UnionType):
        expected = str
    if expected is int and isinstance(value, bool):
        raise ConfigError(f"{name}: expected a whole number, got {value!r}")
    if not isinstance(value, expected):
        raise ConfigError(f"{name}: expected {expected.__name__}, got {value!r}")
    return value


def _validate(s: Settings) -> None:
    if not (s.database_url.startswith("sqlite:///") or s.database_url.startswith("postgresql")):
        raise ConfigError(
            f"database_url: expected sqlite:///PATH or postgresql://…, got {s.database_url!r}"
        )
    if s.moderation not in MODERATION_MODES:
        raise ConfigError(f"moderation: expected one of {', '.join(MODERATION_MODES)}")
    if not 1 <= s.workers <= 64:
        raise ConfigError(f"workers: expected 1-64, got {s.workers}")
    if not 0 < s.port < 65536:
        raise ConfigError(f"port: expected 1-65535, got {s.port}")
    if s.edit_window_seconds < 0:
        raise ConfigError("edit_window_seconds: must not be negative")
    if not 1 <= s.max_reply_depth <= MAX_REPLY_DEPTH:
        raise ConfigError(f"max_reply_depth: expected 1-{MAX_REPLY_DEPTH}, got {s.max_reply_depth}")
    if s.max_comment_length < 1:
        raise ConfigError("max_comment_length: must be at least 1")
    if s.default_language not in LANGUAGES:
        raise ConfigError(f"default_language: expected one of {', '.join(LANGUAGES)}")
    if s.sqlite_synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ConfigError("sqlite_synchronous: expected NORMAL, FULL or EXTRA")
    for name in RETENTION_SETTINGS:
        if getattr(s, name) < 1:
            raise ConfigError(f"{name}: must be at least 1")
    for name in OUTBOX_SETTINGS:
        if getattr(s, name) < 1:
            raise ConfigError(f"{name}: must be at least 1")
    for origin in s.allowed_origins:
        if not origin.startswith(("http://", "https://")) or origin.endswith("/"):
            raise ConfigError(
                f"allowed_origins: {origin!r} is not an origin like https://news.example"
            )


def new_secret() -> str:
    """A fresh random secret for signing tokens and hashing addresses."""
    return secrets.token_urlsafe(32)


CONFIG_TEMPLATE = """\
# Causerie settings. Every setting can also be given in the environment as
# CAUSERIE_<NAME>, which wins over this file (lists: comma-separated).

# Where comments are kept: a SQLite file, or PostgreSQL for several processes.
database_url = "sqlite:///causerie.db"
# database_url = "postgresql://causerie@127.0.0.1/causerie"

# Pages on these origins may post comments (scheme://host[:port], no path).
allowed_origins = []

# Signs edit tokens and hashes IP addresses. Keep it private; changing it
# invalidates open edit windows and vote de-duplication.
secret = "{secret}"

host = "127.0.0.1"
port = 8080
# The address readers use to reach this server, for links in e-mails.
public_url = ""
# Language of messages when a request names none: fr, en or ar.
default_language = "fr"

# Defaults for every site (the dashboard can change them per site):
# publish = show at once; hold_all = hold every comment; hold_first = hold
# the first comment of an author until a moderator approved one.
moderation = "publish"
edit_window_seconds = 900
allow_anonymous = false
max_comment_length = 10000

# Proxies whose X-Forwarded-For / Forwarded headers are trusted.
trusted_proxies = []
# New comments per reader and minute (0 turns the limit off).
comments_per_minute = 6

# Share rate limits and live updates between processes (optional).
redis_url = ""

# Serve the demo article at /demo.
demo = true
# Give the demo article a few comments on the first start (`make demo` does).
demo_seed = false

# Privacy: who answers for readers' data (shown on /privacy), and how long
# personal data is kept (days). See docs/privacy.md.
privacy_contact = ""
personal_data_retention_days = 90
spam_retention_days = 30
discard_retention_days = 7
unconfirmed_retention_days = 7

# Outgoing mail for reply notifications and privacy requests (empty host: off).
smtp_host = ""
smtp_port = 587
smtp_starttls = true
smtp_user = ""
smtp_password = ""
smtp_from = ""

# Outgoing messages wait in the database's outbox until sent; failed ones are
# retried (doubling delays from outbox_retry_seconds) and given up after
# outbox_give_up_hours. See docs/notifications.md.
outbox_give_up_hours = 48
"""


def write_config(path: Path) -> None:
    """Write a commented TOML configuration with a freshly generated secret."""
    path.write_text(CONFIG_TEMPLATE.format(secret=new_secret()), encoding="utf-8")


__all__ = [
    "LANGUAGES",
    "MODERATION_MODES",
    "ConfigError",
    "Settings",
    "load_settings",
    "new_secret",
    "write_config",
]
