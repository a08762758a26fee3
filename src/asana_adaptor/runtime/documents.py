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
            raise RunError(f"{where}: invalid YAML: {what}", code) from None
        except yaml.YAMLError as exc:
            raise RunError(f"{display}: invalid YAML: {exc}", code) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RunError(f"{display}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}",
                       code) from None


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
