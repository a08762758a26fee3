"""Attachments: uploaded files (kept in memory) and external links."""

from __future__ import annotations

from typing import Any

from ..errors import BadRequest, invalid, missing
from ..parsing import as_gid, as_str
from ..views import Kind, register

MAX_BYTES = 100 * 1024 * 1024

register(
    Kind(
        "attachment",
        ("gid", "resource_type", "name", "resource_subtype"),
        (
            "gid",
            "resource_type",
            "name",
            "resource_subtype",
            "created_at",
            "download_url",
            "permanent_url",
            "host",
            "parent",
            "size",
            "view_url",
            "connected_to_app",
        ),
        getters={
            "parent": lambda b, r: b.attachment_parent(r),
            "download_url": lambda b, r: (
                f"{b.public_base}/_sandbox/attachments/{r['gid']}/download"
                if r["host"] == "asana"
                else r.get("url")
            ),
            "permanent_url": lambda b, r: (
                f"https://app.asana.com/app/asana/-/get_asset?asset_id={r['gid']}"),
            "view_url": lambda b, r: (
                f"{b.public_base}/_sandbox/attachments/{r['gid']}/download"
                if r["host"] == "asana"
                else r.get("url")
            ),
            "connected_to_app": lambda b, r: False,
        },
        drop_null=("size",),
    )
)


class AttachmentsModel:
    """Attachment operations; file bytes live in ``blobs``."""

    public_base = "http://asana-sandbox.local"

    def attachment_parent(self, attachment: dict[str, Any]) -> dict[str, Any]:
        kind = attachment["_parent_kind"]
        record = self.tables[kind].get(attachment["parent"])
        out = {"gid": attachment["parent"], "resource_type": kind}
        if record is not None:
            out["name"] = record.get("name")
            if kind == "task":
                out["resource_subtype"] = record.get("resource_subtype")
        return out

    def _attachment_holder(self, parent: Any) -> tuple[str, dict[str, Any]]:
        gid = as_gid(parent, "parent")
        for kind in ("task", "project"):
            record = self.tables[kind].get(gid)
            if record is not None:
                return kind, record
        raise invalid("parent", f"Unknown object: {gid}. Attach to a task or a project")

    def create_attachment(self, data: dict[str, Any], upload: Any = None) -> dict[str, Any]:
        """createAttachmentForObject: ``file`` (multipart), or ``url`` for an external link."""
        if data.get("parent") is None:
            raise missing("parent")
        kind, holder = self._attachment_holder(data["parent"])
        subtype = data.get("resource_subtype") or "asana"
        if subtype == "external":
            url = data.get("url")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise missing("url") if url is None else invalid("url", "Must be an http(s) URL")
            name = as_str(data.get("name") or url, "name")
            fields = {"name": name, "resource_subtype": "external", "host": "external",
                      "size": None, "url": url}
            content = None
        elif subtype == "asana":
            if upload is None:
                raise missing("file")
            if len(upload.content) > MAX_BYTES:
                raise BadRequest("file: Files are limited to 100 MB")
            name = as_str(data.get("name") or upload.filename or "upload", "name")
            fields = {"name": name, "resource_subtype": "asana", "host": "asana",
                      "size": len(upload.content), "url": None,
                      "_content_type": upload.content_type}
            content = upload.content
        else:
            raise invalid("resource_subtype", "Must be asana (an uploaded file) or external")
        attachment = self.new_record("attachment", dict(fields, parent=holder["gid"],
                                                        _parent_kind=kind))
        if content is not None:
            self.blobs[attachment["gid"]] = content
        if kind == "task":
            self.add_system_story(holder, "attachment_added", f"attached {name}")
        self.record_event(self.compact("attachment", attachment), "added",
                          parent=self.compact(kind, holder))
        return attachment

    def get_attachment(self, attachment_gid: str) -> dict[str, Any]:
        return self.lookup("attachment", attachment_gid)

    def delete_attachment(self, attachment_gid: str) -> None:
        attachment = self.get_attachment(attachment_gid)
        self.blobs.pop(attachment_gid, None)
        holder = self.tasks.get(attachment["parent"])
        if holder is not None:
            self.touch(holder)
        self.record_event(self.compact("attachment", attachment), "deleted")
        del self.attachments[attachment_gid]

    def get_attachments_for_object(self, parent: Any) -> list[dict[str, Any]]:
        if parent is None:
            raise missing("parent")
        kind, holder = self._attachment_holder(parent)
        return [a for a in self.attachments.values() if a["parent"] == holder["gid"]]
