"""Masking secrets: every secret of every configuration in play becomes ``***``.

The rule, applied to each configuration (nested objects included; a string in a list counts
under the key that holds the list):

- a string under a *secret-looking key* (its name contains token, secret, password, passwd,
  pwd, key, auth, credential, private, signature, cookie or session, in any case) is a secret
  when it has at least 4 characters;
- a string under a *public key* (``baseUrl``, ``apiVersion``, ``workspaceGid``) is not: these
  name where the data lives, appear in every record Asana returns, and masking them would
  corrupt the output;
- any other string is a secret when it has at least 6 characters (shorter values such as
  ``"1.0"`` are not secrets, and masking them would garble every line).

A secret is replaced wherever it appears inside a string: log lines, error messages, cached
step files and output files (keys of objects included), also in its JSON-escaped form.

>>> r = Redactor()
>>> r.add_configuration({"token": "0/abcdef", "apiVersion": "1.0"})
>>> r.text("Bearer 0/abcdef failed")
'Bearer *** failed'
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

__all__ = ["MASK", "PUBLIC_KEYS", "Redactor", "is_secret_key"]

MASK = "***"
PUBLIC_KEYS = frozenset({"baseUrl", "apiVersion", "workspaceGid"})
MIN_SECRET_LENGTH = 4
MIN_OTHER_LENGTH = 6
_SECRET_KEY = re.compile(
    r"token|secret|passw|pwd|key|auth|credential|private|signature|cookie|session", re.I
)


def is_secret_key(key: Any) -> bool:
    """True for a configuration key whose value is always a secret (``token``, ``apiKey``...)."""
    return isinstance(key, str) and bool(_SECRET_KEY.search(key))


class Redactor:
    """Knows the secrets of a run and masks them in text and in JSON-like values."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    @property
    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)

    def add(self, secret: str) -> None:
        """Mask ``secret`` from now on (and its JSON-escaped form)."""
        if not isinstance(secret, str) or not secret:
            return
        forms = {secret, json.dumps(secret, ensure_ascii=False)[1:-1], json.dumps(secret)[1:-1]}
        if forms <= self._secrets:
            return
        self._secrets |= forms
        ordered = sorted(self._secrets, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(s) for s in ordered))

    def add_configuration(self, configuration: Any, key: str | None = None) -> None:
        """Learn the secrets of a configuration, following the rule in this module's docstring."""
        if isinstance(configuration, dict):
            for name, value in configuration.items():
                self.add_configuration(value, name)
        elif isinstance(configuration, (list, tuple)):
            for value in configuration:
                self.add_configuration(value, key)
        elif isinstance(configuration, str):
            if key in PUBLIC_KEYS:
                return
            minimum = MIN_SECRET_LENGTH if is_secret_key(key) else MIN_OTHER_LENGTH
            if len(configuration) >= minimum:
                self.add(configuration)

    def text(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***``."""
        if self._pattern is None or not isinstance(text, str):
            return text
        return self._pattern.sub(MASK, text)

    def dumps(self, value: Any) -> str:
        """``value`` as indented JSON with every secret masked, objects JSON cannot hold
        (bytes, dates, custom classes) included: they are written as ``str(obj)`` first.

        >>> print(Redactor(["s3cret-token"]).dumps({"raw": b"s3cret-token"}))
        {
          "raw": "b'***'"
        }
        """
        text = json.dumps(self.value(value), indent=2, ensure_ascii=False, default=str)
        return self.text(text)

    def value(self, value: Any) -> Any:
        """A copy of a JSON-like value with secrets masked in every string and key."""
        if self._pattern is None:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k: self.value(v)
                    for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(v) for v in value]
        return value
