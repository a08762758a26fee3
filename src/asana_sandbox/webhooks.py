"""Webhooks: the ``/webhooks`` routes (delivery itself is in :mod:`.webhook_delivery`).

Creating a webhook POSTs a handshake to its target with an ``X-Hook-Secret`` header; the target
must answer 200 or 204 echoing the header before the create answers 201 (a failed handshake
fails the create with a 400 saying why). From then on every change that bubbles up to the
webhook's resource and passes one of its filters is queued and delivered in the background as
``{"events": [...]}`` with ``X-Hook-Signature``, the hex HMAC-SHA256 of the raw body keyed with
the secret. An empty delivery (a heartbeat) follows the handshake and then every
``heartbeat_interval`` seconds. A non-2xx answer, an error or a timeout is retried with
exponential backoff and recorded in the webhook's failure fields; a webhook that has failed for
``failure_window`` seconds (24 hours) is deleted. Deliveries never hold up an API response.

The HTTP transport is injectable, so deliveries can go to an in-process receiver app::

    hooks = install_webhooks(api, transport=httpx.ASGITransport(app=receiver))
    ...  # create a webhook, change a task
    await hooks.drain()   # every queued event delivered (or given up on)
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from .errors import Forbidden, invalid, missing, unknown_object
from .responses import Reply
from .routing import Call, Route
from .views import Kind, Ref, register
from .webhook_delivery import (HIGH_LEVEL, WebhookDelivery,
                               WebhookSettings, passes, sign, webhook_event)

__all__ = ["WebhookDelivery", "WebhookSettings", "install_webhooks", "passes", "routes", "sign",
           "webhook_event"]

ACTIONS = ("changed", "added", "removed", "deleted", "undeleted")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")

FULL_FIELDS = (
    "gid", "resource_type", "active", "resource", "target", "created_at", "last_failure_at",
    "last_failure_content", "last_success_at", "delivery_retry_count", "next_attempt_after",
    "failure_deletion_timestamp", "filters",
)


WEBHOOK = register(Kind(
    "webhook",
    compact=("gid", "resource_type", "active", "resource", "target"),
    full=FULL_FIELDS,
    getters={"resource": lambda backend, record: Ref(record["_resource_kind"], record["resource"])},
))


def kind_of(backend: Any, gid: str) -> str | None:
    """The resource type of the record with ``gid``, or None when there is none."""
    for kind, table in backend.tables.items():
        if gid in table:
            return kind
    return None


# -- routes ----------------------------------------------------------------------------------

def install_webhooks(api: Any, **options: Any) -> WebhookDelivery:
    """The api's webhook delivery, created (with ``options``) and hooked to the backend once."""
    delivery = getattr(api, "webhooks", None)
    if not isinstance(delivery, WebhookDelivery) or options:
        if isinstance(delivery, WebhookDelivery):
            delivery.stop()
            if delivery.on_event in api.backend.event_listeners:
                api.backend.event_listeners.remove(delivery.on_event)
        options.setdefault("clock", getattr(api, "clock", None))
        delivery = WebhookDelivery(api.backend, **options)
        api.webhooks = delivery
    listeners = api.backend.event_listeners
    if delivery.on_event not in listeners:
        listeners.append(delivery.on_event)
    return delivery


def _delivery(call: Call) -> WebhookDelivery:
    return install_webhooks(call.api)


def _parse_filters(value: Any, resource_kind: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid("filters", "Must be an array of filter objects")
    filters = []
    for index, rule in enumerate(value):
        where = f"filters[{index}]"
        if not isinstance(rule, dict):
            raise invalid(where, "Must be an object with resource_type, action, fields")
        unknown = set(rule) - {"resource_type", "resource_subtype", "action", "fields"}
        if unknown:
            raise invalid(where, f"Unknown filter properties: {', '.join(sorted(unknown))}")
        for key in ("resource_type", "resource_subtype", "action"):
            if rule.get(key) is not None and not isinstance(rule[key], str):
                raise invalid(f"{where}.{key}", "Must be a string")
        if rule.get("action") is not None and rule["action"] not in ACTIONS:
            raise invalid(f"{where}.action", f"Must be one of {', '.join(ACTIONS)}")
        fields = rule.get("fields")
        if fields is not None:
            if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
                raise invalid(f"{where}.fields", "Must be an array of field names")
            if rule.get("action") != "changed":
                raise invalid(f"{where}.fields", "Only allowed on filters with action changed")
            if resource_kind in HIGH_LEVEL:
                raise invalid(f"{where}.fields",
                              f"Not supported on webhooks on a {resource_kind}")
        filters.append({k: v for k, v in rule.items() if v is not None})
    return filters


def _check_target(target: Any, settings: WebhookSettings) -> str:
    if not isinstance(target, str):
        raise invalid("target", "Must be a URL string")
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise invalid("target", f"Not a valid http(s) URL: {target}")
    if settings.block_local_targets and parts.hostname in LOCAL_HOSTS:
        raise Forbidden(f"target: Webhook targets on {parts.hostname} are not allowed")
    return target


def _workspace_of(backend: Any, kind: str, gid: str) -> str | None:
    if kind == "workspace":
        return gid
    record = backend.tables[kind][gid]
    if record.get("workspace"):
        return record["workspace"]
    for key, holder in (("project", "project"), ("parent", "task"), ("target", "task")):
        if record.get(key) in backend.tables[holder]:
            return _workspace_of(backend, holder, record[key])
    return None


async def create_webhook(call: Call) -> Reply:
    """POST /webhooks: handshake with the target, then 201 with the webhook and its secret."""
    delivery = _delivery(call)
    resource = call.data.get("resource")
    if resource in (None, ""):
        raise missing("resource")
    if call.data.get("target") in (None, ""):
        raise missing("target")
    resource = str(resource)
    kind = kind_of(call.backend, resource)
    if kind is None or kind == "webhook":
        raise unknown_object(resource, "resource")
    target = _check_target(call.data["target"], delivery.settings)
    filters = _parse_filters(call.data.get("filters"), kind)
    if kind in HIGH_LEVEL and not filters:
        raise invalid("filters", f"Webhooks on a {kind} must specify at least one filter")
    limit = delivery.settings.max_per_resource
    if sum(hook["resource"] == resource for hook in delivery.records.values()) >= limit:
        raise invalid("resource", f"A resource can have at most {limit:,} webhooks; delete "
                      "unused ones first")
    secret = secrets.token_hex(32)
    await delivery.handshake(target, secret)
    record = call.backend.new_record("webhook", {
        "active": True,
        "resource": resource,
        "target": target,
        "filters": filters,
        "last_failure_at": None,
        "last_failure_content": "",
        "last_success_at": None,
        "delivery_retry_count": 0,
        "next_attempt_after": None,
        "failure_deletion_timestamp": None,
        "_resource_kind": kind,
        "_failure_deadline": None,
        "_secret": secret,
        "_workspace": _workspace_of(call.backend, kind, resource),
        "_owner": call.user_gid,
    })
    delivery.start(record["gid"])
    return call.single("webhook", record, 201, extra={"X-Hook-Secret": secret})


def _find(call: Call) -> dict[str, Any]:
    gid = call.params["webhook_gid"]
    record = _delivery(call).records.get(gid)
    if record is None or record["_owner"] != call.user_gid:
        raise unknown_object(gid)
    return record


def get_webhooks(call: Call) -> Reply:
    """GET /webhooks?workspace=[&resource=]: the caller's webhooks in a workspace."""
    workspace = call.query.get("workspace")
    if not workspace:
        raise missing("workspace")
    if workspace not in call.backend.tables["workspace"]:
        raise unknown_object(workspace, "workspace")
    resource = call.query.get("resource")
    records = [
        hook for hook in _delivery(call).records.values()
        if hook["_owner"] == call.user_gid and hook["_workspace"] == workspace
        and (not resource or hook["resource"] == resource)
    ]
    return call.listing("webhook", records)


def get_webhook(call: Call) -> Reply:
    """GET /webhooks/{webhook_gid}."""
    return call.single("webhook", _find(call))


def update_webhook(call: Call) -> Reply:
    """PUT /webhooks/{webhook_gid}: replace the filter list wholesale (nothing else changes)."""
    record = _find(call)
    other = set(call.data) - {"filters"}
    if other:
        raise invalid(sorted(other)[0], "Only filters can be updated on a webhook")
    if "filters" not in call.data:
        raise missing("filters")
    kind = record["_resource_kind"]
    filters = _parse_filters(call.data["filters"], kind)
    if kind in HIGH_LEVEL and not filters:
        raise invalid("filters", f"Webhooks on a {kind} must specify at least one filter")
    record["filters"] = filters
    return call.single("webhook", record)


def delete_webhook(call: Call) -> Reply:
    """DELETE /webhooks/{webhook_gid}: permanent; a delivery already in flight may still land."""
    record = _find(call)
    _delivery(call).delete(record["gid"])
    return call.empty()


routes = [
    Route("POST", "/webhooks", create_webhook, kind="webhook"),
    Route("GET", "/webhooks", get_webhooks, kind="webhook"),
    Route("GET", "/webhooks/{webhook_gid}", get_webhook, kind="webhook"),
    Route("PUT", "/webhooks/{webhook_gid}", update_webhook, kind="webhook"),
    Route("DELETE", "/webhooks/{webhook_gid}", delete_webhook, kind="webhook"),
]


def install(api: Any) -> None:
    """Hook webhook delivery to a freshly built api (called by the app)."""
    install_webhooks(api)
