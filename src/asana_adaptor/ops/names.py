"""Name matching that forgives spelling drift but never guesses.

Custom fields, dropdown options and projects are looked up by the names people type. Two
names match when they are equal after :func:`normalize_name`: Unicode NFKC, every dash variant
as ``-``, every curly or prime quote as ``'`` or ``"``, runs of whitespace as one space, no
surrounding whitespace, case folded. Anything else is a different name: an unknown name raises
:class:`UnknownNameError`, which lists the valid names closest first, and two valid names that
normalise alike make a lookup by either spelling ambiguous rather than a coin toss.

>>> index = NameIndex([("Human-Wildlife Conflict", "1"), ("Land Rights", "2")], kind="option")
>>> index.find("human–wildlife  conflict ")
'1'
"""

from __future__ import annotations

import difflib
import unicodedata
from typing import Generic, Iterable, TypeVar

__all__ = ["normalize_name", "closest_names", "NameIndex", "UnknownNameError", "AmbiguousNameError"]

T = TypeVar("T")

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"  # ‐ ‑ ‒ – — ― −
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032"  # ‘ ’ ‚ ‛ ′
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033"  # “ ” „ ‟ ″
_TRANSLATION = str.maketrans(
    {**{c: "-" for c in _DASHES}, **{c: "'" for c in _SINGLE_QUOTES},
     **{c: '"' for c in _DOUBLE_QUOTES}}
)


def normalize_name(name: str) -> str:
    """The form two names are compared in.

    >>> normalize_name("  Consultation  &  Consent ")
    'consultation & consent'
    >>> normalize_name("Human\u2013Wildlife Conflict") == normalize_name("human-wildlife conflict")
    True
    """
    # Mapped before NFKC too: NFKC would split a double prime into two single primes.
    text = unicodedata.normalize("NFKC", str(name).translate(_TRANSLATION)).translate(_TRANSLATION)
    return " ".join(text.split()).casefold()


def closest_names(wanted: str, names: Iterable[str], limit: int | None = None) -> list[str]:
    """``names`` ordered by similarity to ``wanted`` (most similar first), each once."""
    target = normalize_name(wanted)
    unique = list(dict.fromkeys(names))

    def score(name: str) -> float:
        return difflib.SequenceMatcher(None, target, normalize_name(name)).ratio()

    ranked = sorted(unique, key=lambda n: (-score(n), unique.index(n)))
    return ranked if limit is None else ranked[:limit]


class UnknownNameError(LookupError):
    """No valid name matches; ``choices`` lists the valid names, closest first."""

    def __init__(self, wanted: str, choices: list[str], kind: str = "name",
                 where: str = "") -> None:
        self.wanted = wanted
        self.choices = choices
        self.kind = kind
        self.where = where
        shown = ", ".join(repr(c) for c in choices[:12])
        more = f" and {len(choices) - 12} more" if len(choices) > 12 else ""
        place = f" in {where}" if where else ""
        if choices:
            hint = f"valid {kind}s, closest first: {shown}{more}"
        else:
            hint = f"there are no {kind}s{place}"
        super().__init__(f"unknown {kind} {wanted!r}{place}; {hint}")


class AmbiguousNameError(LookupError):
    """Several valid names normalise to the same text, so a loose spelling cannot pick one."""

    def __init__(self, wanted: str, candidates: list[str], kind: str = "name",
                 where: str = "") -> None:
        self.wanted = wanted
        self.candidates = candidates
        self.kind = kind
        place = f" in {where}" if where else ""
        listed = ", ".join(repr(c) for c in candidates)
        super().__init__(
            f"{kind} {wanted!r}{place} matches several {kind}s that differ only in case, spacing "
            f"or punctuation: {listed}; write one of them exactly"
        )


class NameIndex(Generic[T]):
    """Items looked up by name with :func:`normalize_name`; exact spellings win ties."""

    def __init__(self, items: Iterable[tuple[str, T]] = (), *, kind: str = "name",
                 where: str = "") -> None:
        self.kind = kind
        self.where = where
        self._names: list[str] = []
        self._exact: dict[str, list[T]] = {}
        self._loose: dict[str, list[tuple[str, T]]] = {}
        for name, item in items:
            self.add(name, item)

    def add(self, name: str, item: T) -> None:
        """Register ``item`` under ``name``."""
        self._names.append(name)
        self._exact.setdefault(name, []).append(item)
        self._loose.setdefault(normalize_name(name), []).append((name, item))

    @property
    def names(self) -> list[str]:
        """Every registered name, in the order added."""
        return list(self._names)

    def get(self, wanted: str) -> T | None:
        """The item named ``wanted``, or ``None`` when no name matches."""
        try:
            return self.find(wanted)
        except UnknownNameError:
            return None

    def find(self, wanted: str) -> T:
        """The item named ``wanted``; else :class:`UnknownNameError` or :class:`AmbiguousNameError`.
        """
        exact = self._exact.get(wanted, [])
        if len(exact) == 1:
            return exact[0]
        found = self._loose.get(normalize_name(wanted), [])
        distinct = list(dict.fromkeys(name for name, _ in found))
        if len(found) == 1:
            return found[0][1]
        if found:
            raise AmbiguousNameError(wanted, distinct, self.kind, self.where)
        raise UnknownNameError(wanted, closest_names(wanted, self._names), self.kind, self.where)
