"""Asana's webhook signature: the hex HMAC-SHA256 of the raw request body, keyed with the secret.

>>> body = b"The quick brown fox jumps over the lazy dog"
>>> sign("key", body)
'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8'
>>> verify("key", body, sign("key", body)), verify("key", b"tampered", sign("key", body))
(True, False)
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["sign", "verify"]


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def sign(secret: str | bytes, body: bytes) -> str:
    """The ``X-Hook-Signature`` Asana sends with ``body``: lowercase hex HMAC-SHA256."""
    return hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def verify(secret: str | bytes | None, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` is the signature of ``body`` under ``secret``, compared in
    constant time. A missing secret or signature never verifies; hex case is ignored."""
    if not secret or not signature:
        return False
    expected = sign(secret, body)
    given = signature.strip().lower()
    return hmac.compare_digest(expected.encode("ascii"),
                               given.encode("ascii", errors="replace"))
