"""Configurations: the schema, validation at the edge, credential maps, the environment default.

A configuration is OpenFn's: ``{"apiVersion": "1.0", "token": "..."}``, plus ``workspaceGid``,
``baseUrl``, ``rateLimit``, ``timeout`` and ``retryTimeout``. Before the first step runs, each
configuration in play is validated against ``configuration-schema.json`` (JSON Schema
draft-07) and the Asana client's own checks, with a message naming the key.

A credentials file (JSON or YAML) maps names to configurations; an OpenFn credential file
(a single configuration, recognised by its ``token`` key) is accepted as the default.
The environment variables ``ASANA_TOKEN`` and ``ASANA_WORKSPACE_GID`` give a default
configuration when set.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from jsonschema import Draft7Validator

from .documents import read_document
from .exitcodes import ExitCode, RunError
from .jobfile import display_path
from .redact import is_secret_key

if TYPE_CHECKING:
    from .workflow import Workflow

__all__ = [
    "configuration_schema",
    "env_configuration",
    "load_credentials",
    "step_configurations",
    "validate_configuration",
    "DEFAULT_CREDENTIAL",
]

DEFAULT_CREDENTIAL = "default"


@lru_cache(maxsize=1)
def configuration_schema() -> dict[str, Any]:
    """The configuration schema shipped with the package."""
    text = resources.files("asana_adaptor").joinpath("configuration-schema.json").read_text(
        encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def _validator() -> Draft7Validator:
    return Draft7Validator(configuration_schema())


def validate_configuration(configuration: Any, where: str) -> None:
    """Raise ``RunError(CONFIGURATION_INVALID)`` naming the first missing or invalid key."""
    if not isinstance(configuration, Mapping):
        raise RunError(f"{where}: the configuration must be an object, got "
                       f"{type(configuration).__name__}", ExitCode.CONFIGURATION_INVALID)
    errors = sorted(_validator().iter_errors(dict(configuration)),
                    key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if not errors:
        _check_client_settings(configuration, where)
        return
    error = errors[0]
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in configuration]
        key = missing[0] if missing else "?"
        raise RunError(f"{where}: the configuration is missing {key!r}"
                       + (" (your Asana Personal Access Token)" if key == "token" else ""),
                       ExitCode.CONFIGURATION_INVALID)
    key = ".".join(str(p) for p in error.absolute_path) or "configuration"
    leaf = error.absolute_path[-1] if error.absolute_path else None
    if error.validator == "type":
        detail = f"must be of type {error.validator_value}, got {type(error.instance).__name__}"
    elif is_secret_key(leaf):
        detail = f"fails the {error.validator!r} check"  # never echo a secret's value
    elif error.validator in ("oneOf", "anyOf", "pattern") and error.schema.get("description"):
        detail = f"got {error.instance!r}; expected: {error.schema['description']}"
    else:
        detail = error.message
    raise RunError(f"{where}: invalid configuration key {key!r}: {detail}",
                   ExitCode.CONFIGURATION_INVALID)


def _check_client_settings(configuration: Mapping[str, Any], where: str) -> None:
    """What the schema cannot say (a base URL without a host, a token starting with
    ``Bearer``...): the checks the Asana client makes, run before any step."""
    from ..client.config import ClientSettings
    from ..client.errors import ConfigurationError

    try:
        ClientSettings.from_configuration(configuration)
    except ConfigurationError as exc:
        raise RunError(f"{where}: {exc}", ExitCode.CONFIGURATION_INVALID) from None


def load_credentials(path: str, display: str) -> dict[str, dict[str, Any]]:
    """Read a credentials file: ``{name: configuration}``, or one OpenFn credential file.

    A file whose values are all objects is a map of names; otherwise it is one configuration,
    used as the default.
    """
    data = read_document(path, display, ExitCode.CONFIGURATION_INVALID, "credentials file")
    if not isinstance(data, dict):
        raise RunError(f"{display}: a credentials file must be an object mapping names to "
                       "configurations", ExitCode.CONFIGURATION_INVALID)
    if any(not isinstance(value, dict) for value in data.values()):
        return {DEFAULT_CREDENTIAL: data}  # one configuration (an OpenFn credential file)
    return data


def _is_file_name(text: str) -> bool:
    return text.lower().endswith((".json", ".yaml", ".yml"))


def _configuration_file(path: Path, where: str) -> dict[str, Any]:
    """A step's ``configuration: creds.json`` (as OpenFn workflows allow), beside the workflow."""
    data = read_document(path, f"{where}: {display_path(path)}",
                         ExitCode.CONFIGURATION_INVALID, "configuration file")
    if not isinstance(data, dict):
        raise RunError(f"{where}: {display_path(path)} must hold one configuration object",
                       ExitCode.CONFIGURATION_INVALID)
    return data


def env_configuration(environ: Mapping[str, str]) -> dict[str, Any] | None:
    """The default configuration from ``ASANA_TOKEN`` / ``ASANA_WORKSPACE_GID``, if set."""
    token = environ.get("ASANA_TOKEN")
    if not token:
        return None
    configuration: dict[str, Any] = {"apiVersion": "1.0", "token": token}
    if environ.get("ASANA_WORKSPACE_GID"):
        configuration["workspaceGid"] = environ["ASANA_WORKSPACE_GID"]
    return configuration


def step_configurations(
    workflow: "Workflow",
    step_ids: list[str],
    *,
    credentials: Mapping[str, dict[str, Any]],
    given: dict[str, Any] | None = None,
    env: dict[str, Any] | None = None,
    override: Mapping[str, Any] | None = None,
    fill: Mapping[str, Any] | None = None,
    learn: Callable[[Any], None] = lambda configuration: None,
) -> dict[str, dict[str, Any] | None]:
    """Each step's configuration, validated; ``None`` for a step that has none.

    First found: the step's own (an object, a credential name, or a JSON/YAML file beside the
    workflow, as OpenFn allows), ``given`` (the input state's), the credential named after the
    job file (job runs), the ``default`` credential (or the only one), ``env``. ``override``
    (the sandbox's address and token) is laid over every step, ``fill`` supplies keys a
    configuration lacks. ``learn`` sees each configuration before it is validated (to mask
    secrets).
    """
    default = given
    if default is None and workflow.is_job:
        default = credentials.get(workflow.path.stem)
    if default is None:
        default = credentials.get(DEFAULT_CREDENTIAL)
    if default is None and len(credentials) == 1:
        default = next(iter(credentials.values()))
    if default is None:
        default = env
    out: dict[str, dict[str, Any] | None] = {}
    for step_id in step_ids:
        step = workflow.steps[step_id]
        where = workflow.display if workflow.is_job else f"{workflow.display}: step {step_id!r}"
        raw = step.configuration
        configuration: dict[str, Any] | None
        if isinstance(raw, str) and raw not in credentials and _is_file_name(raw):
            configuration = _configuration_file(workflow.path.parent / raw, where)
            where += f" ({raw})"
        elif isinstance(raw, str):
            if raw not in credentials:
                have = (f"the credentials file has: {', '.join(credentials)}" if credentials
                        else "pass --credentials FILE that defines it")
                raise RunError(f"{where}: unknown credential {raw!r} ({have})",
                               ExitCode.CONFIGURATION_INVALID)
            configuration = credentials[raw]
            where += f" (credential {raw!r})"
        else:
            configuration = raw if raw is not None else default
        if override is not None:
            configuration = {**(fill or {}), **(configuration or {}), **override}
        if configuration is not None:
            learn(configuration)
            validate_configuration(configuration, where)
        out[step_id] = configuration
    return out
