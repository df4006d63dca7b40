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
    log_json: bool = True
    case_number_prefix: str = "AS"
    worker_poll_seconds: float = 2.0
    # Test each pooled PostgreSQL connection before use (a round trip per request). Off: after
    # a database restart, the request that finds a dead connection fails (nothing is saved)
    # and the pool is renewed.
    database_pre_ping: bool = False
    timer_batch_size: int = 2000
    # Request bodies: JSON and forms, and multipart uploads (streamed to disk as they come).
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 50 * 1024 * 1024
    # Plug-ins outside shouhou, as comma-separated dotted module names (each registers a Plugin).
    plugins: str = ""
    # At start-up, freeze what the app built and let the cycle collector pass less often
    # (api/collector.py): requests leave no cycles, so its passes are only cost.
    tune_collector: bool = True
    refund_gateway: str = Field(default="immediate", description="immediate | async (callback confirms)")
    idempotency_retention_hours: int = 48  # a retry after this is treated as a new request
    webhook_timeout_seconds: float = 5.0
    webhook_max_attempts: int = 8
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "shouhou@localhost"
    cookie_secure: bool = False
    # 民法典 Art. 203: a period ending on a rest day runs to the next working day.
    extend_periods_to_workday: bool = True

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
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        path.write_text(value)
        path.chmod(0o600)
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
