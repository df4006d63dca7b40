"""Settings: the only reader of the environment (prefix SHOUHOU_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOUHOU_", env_file=None, extra="ignore")

    database_url: str = Field(default="sqlite:///var/shouhou.sqlite3",
                              description="sqlite:///path or postgresql+psycopg://user@host/db")
    secret_key: str = Field(default="", description="signs console sessions; generated into var/ when empty")
    var_dir: Path = Field(default=Path("var"), description="where the SQLite file, secret and uploads live")
    timezone: str = "Asia/Shanghai"
    default_language: str = "zh-CN"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    # JSON lines for a log collector; None: JSON unless the log goes to a terminal (then plain lines).
    log_json: bool | None = None
    case_number_prefix: str = "AS"
    worker_poll_seconds: float = 2.0
    # Test each pooled PostgreSQL connection before use (a round trip per request). Off: after
    # a database restart, the request that finds a dead connection fails (nothing is saved)
    # and the pool is renewed.
    database_pre_ping: bool = False
    # PostgreSQL: connections each server process keeps, how many more it may open at a peak, and
    # how long a request waits for one when all are taken (then 503 database_busy, nothing done).
    database_pool_size: int = Field(default=10, ge=1)
    database_pool_overflow: int = Field(default=20, ge=0)
    database_pool_timeout_seconds: float = Field(default=30.0, gt=0)
    timer_batch_size: int = 2000
    # Request bodies: JSON and forms, and multipart uploads (streamed to disk as they come).
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 50 * 1024 * 1024
    # Plug-ins outside shouhou, as comma-separated dotted module names (each registers a Plugin).
    plugins: str = ""
    # At start-up, freeze what the app built and let the cycle collector pass less often
    # (api/collector.py): requests leave no cycles, so its passes are only cost.
    tune_collector: bool = True
    # SQLite: a short write (a case's application or action) whose write lock is free at once
    # does its work and commits on the event loop, with no trip to a worker thread
    # (api/on_loop.py; about a quarter less CPU per request). Off: always in worker threads.
    sqlite_writes_on_loop: bool = True
    refund_gateway: str = Field(default="immediate", description="immediate | async (callback confirms)")
    idempotency_retention_hours: int = Field(default=48, ge=1)  # a retry after this is treated as a new request
    webhook_timeout_seconds: float = 5.0
    webhook_max_attempts: int = 8
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "shouhou@localhost"
    cookie_secure: bool = False  # also sends Strict-Transport-Security (web/headers.py)
    # Sign-in back-off (accounts/signin.py): this many failures are free, then each further
    # one makes the next attempt wait twice as long, from the base up to the cap; failures are
    # forgotten after a quiet window. Per account, and per client address (IPv6: per /64).
    sign_in_free_failures: int = Field(default=5, ge=1)
    sign_in_free_failures_per_address: int = Field(default=20, ge=1)
    sign_in_backoff_seconds: float = Field(default=1.0, gt=0)
    sign_in_backoff_max_seconds: float = Field(default=900.0, gt=0)
    sign_in_window_minutes: float = Field(default=60.0, gt=0)
    password_min_length: int = Field(default=10, ge=1)
    # /metrics: with a token, only `Authorization: Bearer <token>`; without one, only clients on
    # the loopback address unless metrics_public (api/ops.py).
    metrics_token: str = ""
    metrics_public: bool = False
    # Webhook hosts that may be internal (comma-separated names or addresses): every other
    # destination must be a public address, checked at subscription and at each delivery.
    webhook_allow_hosts: str = ""
    # 民法典 Art. 203: a period ending on a rest day runs to the next working day.
    extend_periods_to_workday: bool = True

    @property
    def webhook_allowed_hosts(self) -> frozenset[str]:
        return frozenset(h.strip().lower().strip("[]") for h in self.webhook_allow_hosts.split(",") if h.strip())

    @property
    def lang(self) -> str:
        """The deployment's language as the catalogues name it: zh or en (the CLI's, and stored texts')."""
        return "en" if self.default_language.lower().startswith("en") else "zh"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def resolved_secret(self) -> str:
        """A stable secret without committing one: read or create var/secret_key."""
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        import os
        import secrets

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        try:  # 0600 from the start: never readable by others, even briefly
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile
            return path.read_text().strip()
        with os.fdopen(fd, "w") as f:
            f.write(value)
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
