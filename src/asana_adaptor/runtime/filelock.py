"""An exclusive lock on ``FILE.lock``, held by the one process that writes ``FILE``.

A receiver's inbox and a sandbox server's data file each have one writer at a time: the
process that serves from them holds the lock for as long as it runs (the operating system
releases it when the process ends, however it ends), and others check it before they start.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "data.json.lock")
>>> held = hold(path, "http://127.0.0.1:8123")
>>> held is not None
True
>>> held.close()
>>> holder(path) is None
True
"""

from __future__ import annotations

import os
from typing import IO

__all__ = ["hold", "holder"]


def _lock(handle: IO[str]) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)


def hold(path: str | os.PathLike[str], note: str = "") -> IO[str] | None:
    """Lock ``path`` without waiting and write ``note`` (who holds it) into it.

    Returns the open file (keep it open to keep the lock; close it to release), or ``None``
    when another process holds the lock. An ``OSError`` means the file cannot be opened.
    """
    handle = open(path, "a+", encoding="utf-8")
    try:
        _lock(handle)
    except OSError:
        handle.close()
        return None
    handle.seek(0)
    handle.truncate()
    handle.write(note)
    handle.flush()
    return handle


def holder(path: str | os.PathLike[str]) -> str | None:
    """What the process holding ``path`` wrote in it (``""`` if nothing), or ``None`` when no
    process holds it."""
    if not os.path.exists(path):
        return None
    try:
        handle = open(path, "a+", encoding="utf-8")
    except OSError:
        return None
    try:
        _lock(handle)
    except OSError:
        handle.seek(0)
        note = handle.read().strip()
        handle.close()
        return note
    handle.close()  # closing releases the lock taken just to look
    return None
