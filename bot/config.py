"""Settings, read only from environment variables, with defaults that work offline (see `.env.example`)."""
from __future__ import annotations

import dataclasses
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _int(name: str, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        raise ValueError(f"environment variable {name} must be an integer, got {raw!r}") from None


def _float(name: str, default: float) -> float:
    raw = _env(name)
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ValueError(f"environment variable {name} must be a number, got {raw!r}") from None


def _list(name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _env(name).split(",") if part.strip())


DEV_SECRET_KEY = "dev-only-change-me"
# Keys copied from examples and docs: anyone could sign a staff session or a chat token with them.
PLACEHOLDER_SECRET_KEYS = {DEV_SECRET_KEY, "change-me", "changeme", "change-me-please", "secret", "dev",
                           "development", "your-secret-key", "please-change-me"}
MIN_SECRET_KEY = 32
INSTANCE_DIR = ROOT / "instance"
"""Flask's instance folder: where a SECRET_KEY is generated when none is set."""
KEY_FILE = "secret_key"


class ConfigError(ValueError):
    """A setting no process may start with; the message names it and says what to do."""


def is_placeholder(key: str) -> bool:
    return key.lower() in PLACEHOLDER_SECRET_KEYS or "change-me" in key.lower() or "changeme" in key.lower()


def refuse_placeholder_keys() -> None:
    """A key copied from an example is public: chat tokens forged with it read a visitor's history, and
    reporters' hashes and sealed addresses could be recomputed. Better not to start at all."""
    for name in ("SECRET_KEY", "REPORTER_KEY"):
        if _env(name) and is_placeholder(_env(name)):
            raise ConfigError(f"environment variable {name} is a known placeholder ({_env(name)!r}); set a key "
                              "of your own (python -c \"import secrets; print(secrets.token_urlsafe(48))\")"
                              + (", or leave it empty to have one generated in the instance folder"
                                 if name == "SECRET_KEY" else ", or leave it empty to use SECRET_KEY"))


def instance_secret_key(folder: Path | None = None) -> str:
    """The key generated once into `folder`/secret_key (owner-only) when SECRET_KEY is not set, so `make run`
    needs no configuration and still signs with a key nobody else has. Created atomically (written
    aside, then hard-linked into place): workers starting together all end up with the first one's key."""
    folder = Path(folder or INSTANCE_DIR)
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        aside = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(aside, path)
            except FileExistsError:
                pass  # another process was first: its key is the one
        finally:
            aside.unlink(missing_ok=True)
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < MIN_SECRET_KEY or is_placeholder(key):
        raise ConfigError(f"{path} does not hold a usable key (32+ characters, not a placeholder); set SECRET_KEY "
                          "or restore the file (a new key makes old chat tokens and reporter links unusable)")
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{ROOT / 'instance' / 'bot.sqlite3'}"
    content_dir: Path = ROOT / "content"
    # Tests and benchmarks only: from_env() never lets a process run on it (the console stays off with it)
    secret_key: str = DEV_SECRET_KEY
    public_base_url: str = "http://localhost:5000"
    max_body_bytes: int = 1_000_000
    state_ttl_minutes: int = 30
    # LINE Messaging API
    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_base_url: str = "https://api.line.me"
    line_data_api_base_url: str = "https://api-data.line.me"
    # Facebook Messenger
    facebook_app_secret: str = ""
    facebook_page_access_token: str = ""
    facebook_verify_token: str = ""
    facebook_graph_base_url: str = "https://graph.facebook.com"
    # Every call to LINE or Messenger gives up after these (seconds), well below gunicorn's worker
    # timeout: a hung platform costs a request at most connect + read, never a blocked worker
    platform_connect_timeout: float = 3.0
    platform_read_timeout: float = 10.0
    # Threads per process that give webhook answers to LINE and Messenger after the webhook has returned
    send_threads: int = 16
    # Staff alerts
    staff_line_targets: tuple[str, ...] = ()
    smtp_url: str = ""
    alert_emails: tuple[str, ...] = ()
    # Corruption reports go only here (or to the integrity unit's targets in content), never to the above
    integrity_line_targets: tuple[str, ...] = ()
    integrity_alert_emails: tuple[str, ...] = ()
    mail_from: str = "bot@localhost"
    # Staff console: the password of the first `admin` account, used once when there is no account yet
    console_password: str = ""
    # Complaints
    complaint_daily_limit: int = 5
    evidence_dir: Path = ROOT / "instance" / "evidence"
    # Keys the reporter's account hash and seals the link used to notify them; SECRET_KEY when empty
    reporter_key: str = ""
    # Messenger attachments are fetched over https from these hosts (and their subdomains) only;
    # `media_http_hosts` may be fetched over plain http too (tests' local fake, never from the environment)
    media_hosts: tuple[str, ...] = ("fbcdn.net", "fbsbx.com", "facebook.com", "cdn.fbsbx.com")
    media_http_hosts: tuple[str, ...] = ()
    media_deadline_seconds: float = 30.0
    # Flood limits on the public endpoints (webhooks, /api/chat): per client address and for everyone
    rate_limit_storage_url: str = "memory://"
    rate_limit_per_address: str = "60 per minute"
    rate_limit_webhook_per_address: str = "1200 per minute"  # LINE and Meta deliver from few addresses
    rate_limit_global: str = "1200 per minute"
    # Behind reverse proxies: how many of them set X-Forwarded-For/-Proto (0: trust no such header)
    trusted_proxy_hops: int = 0
    # Broadcasts: how late a scheduled announcement may still go out, how often the scheduler picks up
    # new or edited announcements, and how many times one delivery batch is tried
    broadcast_misfire_grace_seconds: int = 900
    broadcast_sync_seconds: int = 30
    broadcast_max_attempts: int = 5

    @property
    def console_enabled(self) -> bool:
        """The console signs staff sessions with SECRET_KEY: a known placeholder or a short key could be
        guessed or copied, so the console stays off until the key is the office's own."""
        return self.console_refusal is None

    @property
    def console_refusal(self) -> str | None:
        key = self.secret_key
        if is_placeholder(key):
            return "SECRET_KEY is a known placeholder"
        if len(key) < MIN_SECRET_KEY:
            return f"SECRET_KEY is shorter than {MIN_SECRET_KEY} characters"
        return None

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def facebook_enabled(self) -> bool:
        return bool(self.facebook_app_secret and self.facebook_page_access_token)

    @property
    def platform_timeout(self) -> tuple[float, float]:
        """(connect, read) seconds, the form both `requests` and the LINE SDK take."""
        return (self.platform_connect_timeout, self.platform_read_timeout)

    @property
    def reporter_secret(self) -> bytes:
        return (self.reporter_key or self.secret_key).encode("utf-8")

    def secret_values(self) -> list[str]:
        """What no log line may show as it is (bot/logs.py masks them)."""
        return [getattr(self, name) for name in SECRETS]

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **changes)


# The settings that are secrets, by field and by environment variable: logs mask them from the process's
# start (from the environment), and again once the settings are built (tests build their own).
SECRETS = {"secret_key": "SECRET_KEY", "reporter_key": "REPORTER_KEY", "console_password": "CONSOLE_PASSWORD",
           "line_channel_secret": "LINE_CHANNEL_SECRET", "line_channel_access_token": "LINE_CHANNEL_ACCESS_TOKEN",
           "facebook_app_secret": "FACEBOOK_APP_SECRET", "facebook_page_access_token": "FACEBOOK_PAGE_ACCESS_TOKEN",
           "facebook_verify_token": "FACEBOOK_VERIFY_TOKEN"}


def _hops(name: str) -> int:
    hops = _int(name, 0)
    if hops < 0:
        raise ConfigError(f"environment variable {name} must be 0 or more, got {hops}")
    return hops


def from_env(instance_dir: Path | None = None) -> Settings:
    """The process's settings. Refuses placeholder keys; with no SECRET_KEY, the instance folder's key."""
    d = Settings()
    refuse_placeholder_keys()
    return Settings(
        database_url=_env("DATABASE_URL", d.database_url),
        content_dir=Path(_env("CONTENT_DIR") or d.content_dir),
        secret_key=_env("SECRET_KEY") or instance_secret_key(instance_dir),
        public_base_url=_env("PUBLIC_BASE_URL", d.public_base_url).rstrip("/"),
        max_body_bytes=_int("MAX_BODY_BYTES", d.max_body_bytes),
        state_ttl_minutes=_int("STATE_TTL_MINUTES", d.state_ttl_minutes),
        line_channel_secret=_env("LINE_CHANNEL_SECRET"),
        line_channel_access_token=_env("LINE_CHANNEL_ACCESS_TOKEN"),
        line_api_base_url=_env("LINE_API_BASE_URL", d.line_api_base_url).rstrip("/"),
        line_data_api_base_url=_env("LINE_DATA_API_BASE_URL", d.line_data_api_base_url).rstrip("/"),
        facebook_app_secret=_env("FACEBOOK_APP_SECRET"),
        facebook_page_access_token=_env("FACEBOOK_PAGE_ACCESS_TOKEN"),
        facebook_verify_token=_env("FACEBOOK_VERIFY_TOKEN"),
        facebook_graph_base_url=_env("FACEBOOK_GRAPH_BASE_URL", d.facebook_graph_base_url).rstrip("/"),
        platform_connect_timeout=_float("PLATFORM_CONNECT_TIMEOUT", d.platform_connect_timeout),
        platform_read_timeout=_float("PLATFORM_READ_TIMEOUT", d.platform_read_timeout),
        send_threads=_int("SEND_THREADS", d.send_threads),
        staff_line_targets=_list("STAFF_LINE_TARGETS"),
        smtp_url=_env("SMTP_URL"),
        alert_emails=_list("ALERT_EMAILS"),
        integrity_line_targets=_list("INTEGRITY_LINE_TARGETS"),
        integrity_alert_emails=_list("INTEGRITY_ALERT_EMAILS"),
        mail_from=_env("MAIL_FROM", d.mail_from),
        console_password=_env("CONSOLE_PASSWORD"),
        complaint_daily_limit=_int("COMPLAINT_DAILY_LIMIT", d.complaint_daily_limit),
        evidence_dir=Path(_env("EVIDENCE_DIR") or d.evidence_dir),
        reporter_key=_env("REPORTER_KEY"),
        media_hosts=_list("MESSENGER_MEDIA_HOSTS") or d.media_hosts,
        rate_limit_storage_url=_env("RATE_LIMIT_STORAGE_URL", d.rate_limit_storage_url),
        rate_limit_per_address=_env("RATE_LIMIT_PER_ADDRESS", d.rate_limit_per_address),
        rate_limit_webhook_per_address=_env("RATE_LIMIT_WEBHOOK_PER_ADDRESS", d.rate_limit_webhook_per_address),
        rate_limit_global=_env("RATE_LIMIT_GLOBAL", d.rate_limit_global),
        trusted_proxy_hops=_hops("TRUSTED_PROXY_HOPS"),
        broadcast_misfire_grace_seconds=_int("BROADCAST_MISFIRE_GRACE_SECONDS", d.broadcast_misfire_grace_seconds),
        broadcast_sync_seconds=_int("BROADCAST_SYNC_SECONDS", d.broadcast_sync_seconds),
        broadcast_max_attempts=_int("BROADCAST_MAX_ATTEMPTS", d.broadcast_max_attempts),
    )
