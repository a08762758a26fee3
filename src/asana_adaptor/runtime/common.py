"""Common operations (OpenFn language-common, in Python)."""

__all__: list[str] = []
