"""Fault injection for one sandbox: latency, random 500/503s, scripted failures,
drop-after-commit and a page-size override.

>>> faults = Faults()
>>> rule = faults.fail_next(2, "/tasks", 503)  # the next 2 requests to /tasks answer 503
>>> rule = faults.drop_next(1, "/tasks", method="POST")  # the next create applies, then drops
>>> faults.active
True
"""

from __future__ import annotations

import fnmatch
import random
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ScriptedFailure:
    """``count`` requests matching ``path`` (and ``method``) answer ``status``."""

    path: str
    status: int
    count: int = 1
    method: str | None = None
    retry_after: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "status": self.status, "count": self.count,
                "method": self.method, "retry_after": self.retry_after}


@dataclass
class DropRule:
    """``count`` successful writes matching ``path`` are applied, then the connection drops."""

    path: str | None = None
    count: int = 1
    method: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "count": self.count, "method": self.method}


def path_matches(pattern: str | None, path: str, template: str | None) -> bool:
    """A pattern matches the concrete path, the route template, or as a glob."""
    if pattern is None:
        return True
    if pattern.startswith("/api/1.0"):
        pattern = pattern[len("/api/1.0"):]
    return pattern in (path, template) or fnmatch.fnmatchcase(path, pattern)


@dataclass
class Faults:
    """Fault settings of one sandbox instance; change them at any time."""

    latency_ms: float = 0.0
    jitter_ms: float = 0.0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (500, 503)
    page_size: int | None = None
    scripted: list[ScriptedFailure] = field(default_factory=list)
    drops: list[DropRule] = field(default_factory=list)
    random_seed: int | None = None

    def __post_init__(self) -> None:
        self.rng = random.Random(self.random_seed)

    def fail_next(self, count: int, path: str, status: int, *, method: str | None = None,
                  retry_after: int | None = None) -> ScriptedFailure:
        """The next ``count`` requests to ``path`` answer ``status`` (Asana's error shape)."""
        rule = ScriptedFailure(path, int(status), int(count), method.upper() if method else None,
                               retry_after)
        self.scripted.append(rule)
        return rule

    def drop_next(self, count: int = 1, path: str | None = None, *,
                  method: str | None = None) -> DropRule:
        """The next ``count`` matching writes are committed, then the connection breaks."""
        rule = DropRule(path, int(count), method.upper() if method else None)
        self.drops.append(rule)
        return rule

    def clear(self) -> None:
        """No faults at all."""
        self.latency_ms = self.jitter_ms = self.error_rate = 0.0
        self.page_size = None
        self.scripted.clear()
        self.drops.clear()

    @property
    def active(self) -> bool:
        return bool(self.latency_ms or self.jitter_ms or self.error_rate or self.scripted
                    or self.drops)

    def delay(self) -> float:
        """Seconds of added latency for one request."""
        if not (self.latency_ms or self.jitter_ms):
            return 0.0
        return (self.latency_ms + self.rng.uniform(0, self.jitter_ms)) / 1000.0

    def take_scripted(self, method: str, path: str, template: str | None) -> ScriptedFailure | None:
        for rule in self.scripted:
            if (rule.method is None or rule.method == method) and \
                    path_matches(rule.path, path, template):
                rule.count -= 1
                if rule.count <= 0:
                    self.scripted.remove(rule)
                return rule
        return None

    def random_error(self) -> int | None:
        if self.error_rate and self.rng.random() < self.error_rate:
            return self.rng.choice(self.error_statuses)
        return None

    def take_drop(self, method: str, path: str, template: str | None) -> bool:
        for rule in self.drops:
            if (rule.method is None or rule.method == method) and \
                    path_matches(rule.path, path, template):
                rule.count -= 1
                if rule.count <= 0:
                    self.drops.remove(rule)
                return True
        return False

    def to_json(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms, "jitter_ms": self.jitter_ms,
            "error_rate": self.error_rate, "error_statuses": list(self.error_statuses),
            "page_size": self.page_size,
            "scripted": [r.to_json() for r in self.scripted],
            "drops": [r.to_json() for r in self.drops],
        }

    def update(self, document: dict[str, Any]) -> None:
        """Apply a JSON document of settings (the control API's body)."""
        for name in ("latency_ms", "jitter_ms", "error_rate"):
            if name in document:
                setattr(self, name, float(document[name] or 0))
        if "error_statuses" in document:
            self.error_statuses = tuple(int(s) for s in document["error_statuses"])
        if "page_size" in document:
            self.page_size = int(document["page_size"]) if document["page_size"] else None
        for rule in document.get("scripted", []):
            self.fail_next(rule.get("count", 1), rule["path"], rule["status"],
                           method=rule.get("method"), retry_after=rule.get("retry_after"))
        for rule in document.get("drops", []):
            self.drop_next(rule.get("count", 1), rule.get("path"), method=rule.get("method"))
