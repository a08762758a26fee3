"""Attachments: upload a file (path or bytes) or link an external URL; list a parent's files."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any, Callable

from ..runtime.operation import Operation
from ._base import Call, Result, asana_operation, path_id, refuse

__all__ = ["upload_attachment", "get_attachments", "MAX_ATTACHMENT_BYTES"]

Callback = Callable[[dict], Any] | None

MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
"""Asana refuses files over 100 MB; they are refused here before any byte is sent."""


def _file_part(file: Any, name: str | None) -> tuple[str, Any, str]:
    """(filename, content, content type) for the multipart ``file`` field, size-checked."""
    if isinstance(file, (bytes, bytearray, memoryview)):
        content, size = bytes(file), len(file)
        filename = name or "attachment"
    elif isinstance(file, (str, os.PathLike)):
        path = Path(file)
        if not path.is_file():
            raise refuse(f"no file at {str(path)!r}", method="POST", path="/attachments",
                         hint="Pass the path of an existing file, bytes, or url=...")
        size = path.stat().st_size
        filename = name or path.name
        content = None if size > MAX_ATTACHMENT_BYTES else path.read_bytes()
    else:
        raise refuse(f"file must be a path or bytes, got {type(file).__name__}",
                     method="POST", path="/attachments",
                     hint="Pass a file path, bytes, or url=... for an external link.")
    if size > MAX_ATTACHMENT_BYTES:
        raise refuse(
            f"{filename!r} is {size / 1024 / 1024:.1f} MB; Asana accepts files up to 100 MB",
            method="POST", path="/attachments",
            hint="Upload a smaller file, or attach a link to it with url=... instead.")
    kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return filename, content, kind


def upload_attachment(parent: Any, file: Any = None, url: Any = None, name: Any = None,
                      callback: Callback = None) -> Operation:
    """Attach a file (a path or bytes) or an external link to a task or project.

    POST /attachments as multipart/form-data with ``parent``: a ``file`` upload, or
    ``resource_subtype=external`` with ``url`` and ``name`` for a link. Files over 100 MB are
    refused before anything is sent. ``data`` is the attachment.

    Example::

        upload_attachment(S.data.gid, file="reports/site-visit.pdf")
        upload_attachment("1206933955023739", file=b"id,name\\n1,Ada\\n", name="people.csv")
        upload_attachment("1206933955023739", url="https://example.org/photo.jpg",
                          name="Photo of the site")
    """

    async def body(call: Call, parent: Any, file: Any, url: Any, name: Any) -> Any:
        if (file is None) == (url is None):
            raise refuse("give exactly one of file=... or url=...", method="POST",
                         path="/attachments",
                         hint="upload_attachment(parent, file='report.pdf') or "
                              "upload_attachment(parent, url='https://...', name='Report').")
        form: dict[str, Any] = {"parent": path_id(parent, "parent")}
        if url is not None:
            form.update(resource_subtype="external", url=str(url), name=str(name or url))
            return await call.upload("/attachments", form)
        filename, content, kind = _file_part(file, name)
        if name:
            form["name"] = str(name)
        return await call.upload("/attachments", form, {"file": (filename, content, kind)})

    return asana_operation("upload_attachment", body, parent, file, url, name, callback=callback)


def get_attachments(parent: Any, params: Any = None, callback: Callback = None) -> Operation:
    """List the attachments of a task or project, every page (GET /attachments?parent=...).

    Example::

        get_attachments("1206933955023739", {"opt_fields": "name,size,download_url"})
    """

    async def body(call: Call, parent: Any, params: Any) -> Result:
        return await call.get_all("/attachments", {**dict(params or {}),
                                                   "parent": path_id(parent, "parent")})

    return asana_operation("get_attachments", body, parent, params, callback=callback)
