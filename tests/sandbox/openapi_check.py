"""Check sandbox responses against Asana's own OpenAPI description.

The spec lives beside the project (``../shared/asana-openapi/asana_oas.yaml``). It is loaded once
per process and prepared as its README describes: integer response codes turned into strings,
the 26 ``allOf: [$ref, {nullable: true}]`` sites rewritten so ``null`` validates, and responses
checked against the status the operation declares (429 and an undeclared 402/503/504 against
Asana's error envelope). A few fields Asana documents as nullable but the spec does not
(``DOCUMENTED_NULLS``) are made nullable too.

Spec validation alone is weak because the spec never forbids extra properties and marks almost
nothing required, so :func:`check_shapes` adds what a user relies on: 16-digit string gids,
known ``resource_type`` values, ISO timestamps with milliseconds and ``Z``, and the fields of
compact records.

Example::

    recorder = RecordingTransport(sandbox.transport())
    async with httpx.AsyncClient(transport=recorder, base_url=...) as client:
        await client.get("/api/1.0/users/me", headers=auth)
    for exchange in recorder.exchanges:
        assert_conforms(exchange)
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import httpx
import yaml
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SPEC_PATH = PROJECT_ROOT / ".." / "shared" / "asana-openapi" / "asana_oas.yaml"
API_PREFIX = "/api/1.0"
SPEC_URI = "urn:asana-oas"
METHODS = ("get", "post", "put", "delete", "patch")

GID = re.compile(r"^[0-9]{16}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Keys whose string values are timestamps in Asana's responses.
TIMESTAMP_KEYS = frozenset(
    {
        "created_at", "modified_at", "completed_at", "due_at", "start_at", "last_failure_at",
        "last_success_at", "next_attempt_after", "failure_deletion_timestamp", "date_time",
    }
)
DATE_KEYS = frozenset({"due_on", "start_on", "date"})
# Fields every compact record of these types carries when no opt_fields were asked for.
COMPACT_FIELDS: dict[str, tuple[str, ...]] = {
    "task": ("gid", "resource_type", "name", "resource_subtype"),
    "project": ("gid", "resource_type", "name"),
    "section": ("gid", "resource_type", "name"),
    "tag": ("gid", "resource_type", "name"),
    "user": ("gid", "resource_type", "name"),
    "workspace": ("gid", "resource_type", "name"),
    "team": ("gid", "resource_type", "name"),
    "custom_field": ("gid", "resource_type", "name", "resource_subtype"),
    "enum_option": ("gid", "resource_type", "name", "enabled", "color"),
    "attachment": ("gid", "resource_type", "name", "resource_subtype"),
    "story": ("gid", "resource_type", "created_at", "resource_subtype", "text"),
    "webhook": ("gid", "resource_type", "active", "resource", "target"),
    "custom_field_setting": ("gid", "resource_type"),
    "job": ("gid", "resource_type", "resource_subtype", "status"),
}


class ConformanceError(AssertionError):
    """A sandbox response that Asana's spec or Asana's observed shapes do not allow."""


@dataclass(frozen=True)
class Operation:
    """One operation of the spec: its id, HTTP method, path template and tag."""

    operation_id: str
    method: str
    path: str
    tag: str

    @property
    def pattern(self) -> re.Pattern[str]:
        return _path_pattern(self.path)


def spec_available() -> bool:
    """True when Asana's spec is present beside the project."""
    return SPEC_PATH.is_file()


@functools.lru_cache(maxsize=1)
def load_spec() -> dict[str, Any]:
    """Asana's spec as plain JSON data, with the nullable-reference sites rewritten (cached)."""
    with SPEC_PATH.open("rb") as handle:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(handle, Loader=loader)
    spec = json.loads(json.dumps(raw))  # integer status codes become strings
    _rewrite_nullable_refs(spec)
    _allow_documented_nulls(spec)
    return spec


# Fields the spec types as plain strings/objects although Asana documents null for them: a
# system event has no user, and a webhook that never failed or succeeded has null timestamps.
DOCUMENTED_NULLS = {
    "EventResponse": ("user", "parent", "change"),
    "WebhookResponse": (
        "last_failure_at", "last_success_at", "next_attempt_after", "failure_deletion_timestamp",
    ),
}


def _allow_documented_nulls(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name, fields in DOCUMENTED_NULLS.items():
        for part in [schemas[name], *schemas[name].get("allOf", [])]:
            for prop in fields:
                site = part.get("properties", {}).get(prop)
                if site is None:
                    continue
                if "type" in site:
                    site["nullable"] = True
                else:
                    part["properties"][prop] = {"anyOf": [site, {"enum": [None]}]}


def _rewrite_nullable_refs(node: Any) -> None:
    """Turn ``allOf: [..., {nullable: true}]`` into ``anyOf: [{allOf: [...]}, {enum: [null]}]``."""
    if isinstance(node, dict):
        for value in node.values():
            _rewrite_nullable_refs(value)
        parts = node.get("allOf")
        nullable = isinstance(parts, list) and any(
            isinstance(p, dict) and p.get("nullable") for p in parts
        )
        if nullable:
            del node["allOf"]
            node["anyOf"] = [{"allOf": parts}, {"enum": [None]}]
    elif isinstance(node, list):
        for value in node:
            _rewrite_nullable_refs(value)


@functools.lru_cache(maxsize=1)
def operations() -> tuple[Operation, ...]:
    """Every operation of the spec, in the spec's order."""
    found = []
    for path, item in load_spec()["paths"].items():
        for method in METHODS:
            if method in item:
                op = item[method]
                found.append(Operation(op["operationId"], method.upper(), path, op["tags"][0]))
    return tuple(found)


@functools.lru_cache(maxsize=None)
def _path_pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    body = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(f"^{body}$")


def find_operation(method: str, path: str) -> Operation | None:
    """The spec operation serving ``method path`` (path with or without ``/api/1.0``), if any."""
    if path.startswith(API_PREFIX):
        path = path[len(API_PREFIX):]
    path = path.rstrip("/") or "/"
    candidates = [
        op for op in operations() if op.method == method.upper() and op.pattern.match(path)
    ]
    if not candidates:
        return None
    # A literal segment beats a parameter: /tasks/search before /tasks/{task_gid}.
    return min(candidates, key=lambda op: op.path.count("{"))


@functools.lru_cache(maxsize=1)
def _registry() -> Registry:
    resource = Resource.from_contents(load_spec(), default_specification=DRAFT4)
    return Registry().with_resource(SPEC_URI, resource)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _response_pointer(op: Operation, status: int) -> str | None:
    """JSON pointer of the schema to check a ``status`` answer of ``op`` against."""
    spec = load_spec()
    responses = spec["paths"][op.path][op.method.lower()]["responses"]
    key = str(status)
    if key in responses:
        response = responses[key]
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[-1]
            base = f"/components/responses/{_escape(name)}"
            response = spec["components"]["responses"][name]
        else:
            base = f"/paths/{_escape(op.path)}/{op.method.lower()}/responses/{key}"
        if "application/json" not in response.get("content", {}):
            return None
        return f"{base}/content/application~1json/schema"
    if status in (402, 429, 502, 503, 504) or (status == 412 and op.tag == "Workspaces"):
        # 402 is documented in descriptions only, 429 nowhere, 502-504 are gateway answers
        # (and sandbox faults) any operation can give; the workspace event stream
        # answers 412 like /events although its operation does not list it.
        return "/components/schemas/ErrorResponse"
    raise ConformanceError(
        f"{op.method} {op.path} ({op.operation_id}) answered {status}, which the spec does not "
        f"declare for it (declared: {', '.join(sorted(responses))})"
    )


@functools.lru_cache(maxsize=None)
def _validator(pointer: str) -> OAS30ReadValidator:
    return OAS30ReadValidator(
        {"$ref": f"{SPEC_URI}#{pointer}"},
        registry=_registry(),
        format_checker=oas30_format_checker,
    )


def validate_response(method: str, path: str, status: int, body: Any) -> Operation | None:
    """Validate one response body against the spec; returns the operation, None if unknown.

    Raises :class:`ConformanceError` naming the operation and every violation found.
    """
    op = find_operation(method, path)
    if op is None:
        return None
    pointer = _response_pointer(op, status)
    if pointer is None:
        return op
    errors = sorted(_validator(pointer).iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [
            f"  at {'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message[:300]}"
            for e in errors[:10]
        ]
        raise ConformanceError(
            f"{method} {path} -> {status} does not match {op.operation_id}:\n" + "\n".join(lines)
        )
    return op


@functools.lru_cache(maxsize=1)
def known_resource_types() -> frozenset[str]:
    """Every ``resource_type`` value the spec's schemas name in their examples."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            props = node.get("properties")
            if isinstance(props, dict) and isinstance(props.get("resource_type"), dict):
                example = props["resource_type"].get("example")
                if isinstance(example, str):
                    found.add(example)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(load_spec()["components"]["schemas"])
    return frozenset(found)


# objects with a gid that are not Asana records: a task's external data carries the app's own id
NOT_RECORDS = frozenset({"external"})


def _records(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            if key not in NOT_RECORDS:
                yield from _records(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _records(value, f"{where}/{index}")


def shape_problems(body: Any, *, compact_list: bool = False) -> list[str]:
    """What is wrong with a body beyond the spec: gids, resource types, timestamps, compacts.

    ``compact_list`` says that ``body["data"]`` is a list of compact records fetched without
    ``opt_fields``, whose items must then carry the compact fields of their type (and every
    nested record its ``resource_type``).
    """
    problems = []
    types = known_resource_types()
    for where, record in _records(body):
        rtype = record.get("resource_type")
        if "gid" in record and not (isinstance(record["gid"], str) and GID.match(record["gid"])):
            problems.append(f"{where}/gid: {record['gid']!r} is not a 16-digit string")
        if rtype is not None and rtype not in types:
            problems.append(f"{where}/resource_type: {rtype!r} is not a resource type of the spec")
        if compact_list and "gid" in record and "resource_type" not in record:
            if not _is_dependency(where):
                problems.append(f"{where}: a record with a gid has no resource_type")
        for key in TIMESTAMP_KEYS & record.keys():
            value = record[key]
            if value is not None and not (isinstance(value, str) and TIMESTAMP.match(value)):
                problems.append(f"{where}/{key}: {value!r} is not ISO-8601 UTC with milliseconds")
        for key in DATE_KEYS & record.keys():
            value = record[key]
            if value is not None and not (isinstance(value, str) and DATE.match(value)):
                problems.append(f"{where}/{key}: {value!r} is not YYYY-MM-DD")
    if compact_list and isinstance(body, dict) and isinstance(body.get("data"), list):
        for index, item in enumerate(body["data"]):
            if not isinstance(item, dict) or not {"gid", "resource_type"} & item.keys():
                continue  # events and batch results are not records
            wanted = COMPACT_FIELDS.get(item.get("resource_type", ""), ("gid", "resource_type"))
            missing = [name for name in wanted if name not in item]
            if missing:
                kind = item.get("resource_type")
                problems.append(f"/data/{index}: compact {kind} lacks {missing}")
    return problems


def _is_dependency(where: str) -> bool:
    """Dependencies and dependents are documented as bare ``[{gid}]`` lists."""
    parts = where.split("/")
    return len(parts) >= 2 and parts[-2] in ("dependencies", "dependents")


@dataclass
class Exchange:
    """One request and its response, as a recording transport saw them."""

    method: str
    path: str
    query: str
    status: int
    headers: httpx.Headers
    body: Any
    raw: bytes

    @property
    def compact_list(self) -> bool:
        """A list answered without opt_fields, whose items must be full compacts."""
        return "opt_fields" not in self.query and isinstance(self.body, dict) and isinstance(
            self.body.get("data"), list
        ) and self.method == "GET"


def assert_conforms(exchange: Exchange) -> Operation | None:
    """Raise ConformanceError unless the exchange matches the spec and Asana's shapes."""
    op = validate_response(exchange.method, exchange.path, exchange.status, exchange.body)
    if op is None:
        return None
    problems = shape_problems(exchange.body, compact_list=exchange.compact_list)
    if exchange.status >= 400:
        errors = exchange.body.get("errors") if isinstance(exchange.body, dict) else None
        if not (isinstance(errors, list) and errors and all(
            isinstance(e, dict) and isinstance(e.get("message"), str) and e["message"]
            for e in errors
        )):
            problems.append("an error answer without a non-empty errors[].message list")
    if problems:
        raise ConformanceError(
            f"{exchange.method} {exchange.path} -> {exchange.status} ({op.operation_id}):\n  "
            + "\n  ".join(problems[:10])
        )
    return op


def assert_response_conforms(response: httpx.Response) -> Operation | None:
    """:func:`assert_conforms` for an ``httpx.Response`` that has been read (event hooks)."""
    raw = response.content
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        body = raw
    request = response.request
    return assert_conforms(Exchange(
        request.method, request.url.path, request.url.query.decode(), response.status_code,
        response.headers, body, raw,
    ))


@dataclass
class RecordingTransport(httpx.AsyncBaseTransport):
    """An httpx transport that forwards to another and keeps every exchange it carried."""

    inner: httpx.AsyncBaseTransport
    exchanges: list[Exchange] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        raw = await response.aread()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw
        self.exchanges.append(
            Exchange(
                request.method, request.url.path, request.url.query.decode(),
                response.status_code, response.headers, body, raw,
            )
        )
        return httpx.Response(
            response.status_code, headers=response.headers, content=raw, request=request
        )

    async def aclose(self) -> None:
        await self.inner.aclose()
