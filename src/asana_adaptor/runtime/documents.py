"""Reading JSON and YAML documents (state, workflows, credentials) with precise errors.

A syntax error names the file, line and column: ``state.json:3:7: Expecting ',' delimiter``.

>>> parse_document('{"a": 1}', "state.json", ExitCode.STATE_INVALID)
{'a': 1}
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from .exitcodes import ExitCode, RunError

__all__ = ["parse_document", "read_document", "is_yaml"]


def is_yaml(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in (".yaml", ".yml")


def parse_document(text: str, display: str, code: ExitCode, *, yaml_syntax: bool = False) -> Any:
    """Parse JSON (or YAML when ``yaml_syntax``); a syntax error raises ``RunError(code)``."""
    if yaml_syntax:
        try:
            return yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
            what = exc.problem or exc.context or "invalid YAML"
            if "mapping values are not allowed" in what:
                what += (" (a value holding ': ', such as a lambda, must be quoted or written "
                         "as a block: `expression: |` and the code on the next lines, indented)")
            raise RunError(f"{where}: invalid YAML: {what}", code) from None
        except yaml.YAMLError as exc:
            raise RunError(f"{display}: invalid YAML: {exc}", code) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RunError(f"{display}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}"
                       f"{_trailing_comma_hint(text, exc.pos)}", code) from None


def _trailing_comma_hint(text: str, pos: int) -> str:
    """A hint when the error sits on a ``}`` or ``]`` right after a comma (JSON allows none)."""
    if text[pos:pos + 1] not in ("}", "]"):
        return ""
    before = text[:pos].rstrip()
    if not before.endswith(","):
        return ""
    return " (a trailing comma before '" + text[pos] + "': remove the last comma)"


def read_document(path: str | os.PathLike[str], display: str, code: ExitCode,
                  what: str) -> Any:
    """Read and parse a file (YAML by its extension, JSON otherwise)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a BOM from Windows editors is dropped
    except FileNotFoundError:
        raise RunError(f"{display}: {what} not found", ExitCode.FILE_NOT_FOUND) from None
    except IsADirectoryError:
        raise RunError(f"{display}: is a directory, not a {what}",
                       ExitCode.FILE_NOT_FOUND) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RunError(f"{display}: cannot read the {what}: {exc}", code) from None
    return parse_document(text, display, code, yaml_syntax=is_yaml(path))
