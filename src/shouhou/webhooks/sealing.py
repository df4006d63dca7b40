"""Webhook signing secrets sealed at rest (Fernet), with a key derived from the deployment
secret (`Settings.resolved_secret()`): a copy of the database alone does not give them away.

Rows written before sealing hold the plain secret (no prefix); they are read as they are
and sealed by `shouhou init` or by the next delivery. Changing the deployment secret makes
sealed secrets unreadable: subscriptions must then be made again.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "sealed:v1:"


@lru_cache(maxsize=4)
def _fernet(deployment_secret: str) -> Fernet:
    key = HKDF(algorithm=SHA256(), length=32, salt=None,
               info=b"shouhou webhook secrets").derive(deployment_secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, deployment_secret: str) -> str:
    return PREFIX + _fernet(deployment_secret).encrypt(secret.encode()).decode()


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def unseal(stored: str, deployment_secret: str) -> str:
    if not is_sealed(stored):
        return stored  # written before sealing
    return _fernet(deployment_secret).decrypt(stored[len(PREFIX):].encode()).decode()
