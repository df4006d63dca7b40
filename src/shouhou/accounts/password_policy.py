"""What a new password must be: long enough, not the user's name, not a common password.

Checked wherever a password is set (`user add`, `user password`); the demo's published
password is set without it (demo.py), as demo data only.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from shouhou.errors import Invalid

MAX_LENGTH = 1024  # argon2 reads all of it


@cache
def common_passwords() -> frozenset[str]:
    text = (files("shouhou.accounts") / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("# "))


def check(password: str, username: str, min_length: int) -> None:
    if len(password) < min_length:
        raise Invalid("password_too_short", en="A password needs at least {min} characters",
                      zh="密码至少需要 {min} 个字符", min=min_length)
    if len(password) > MAX_LENGTH:
        raise Invalid("password_too_long", en="A password may have at most {max} characters",
                      zh="密码最多 {max} 个字符", max=MAX_LENGTH)
    lowered, name = password.lower(), username.lower()
    if lowered == name or (len(name) >= 4 and name in lowered) or lowered == name[::-1]:
        raise Invalid("password_is_user_name", en="A password must not be (or contain) the user name",
                      zh="密码不能是（或包含）用户名")
    if lowered in common_passwords():
        raise Invalid("password_too_common", en="This password is one of the most common ones; choose another",
                      zh="该密码过于常见，请换一个")
