"""Mailbox passwords sealed at rest (Fernet), with a key derived from the deployment secret, as the
webhooks' signing secrets are: a copy of the database alone does not give them away."""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "sealed:v1:"


@lru_cache(maxsize=4)
def _fernet(deployment_secret: str) -> Fernet:
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"shouhou desk mailboxes").derive(
        deployment_secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, deployment_secret: str) -> str:
    return PREFIX + _fernet(deployment_secret).encrypt(secret.encode()).decode() if secret else ""


def unseal(stored: str, deployment_secret: str) -> str:
    if not stored.startswith(PREFIX):
        return stored
    return _fernet(deployment_secret).decrypt(stored[len(PREFIX):].encode()).decode()
