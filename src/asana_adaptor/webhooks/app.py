"""The receiver: an ASGI app answering Asana's webhook handshakes and deliveries.

For each configured hook path it accepts ``POST``:

- **handshake** (an ``X-Hook-Secret`` header): the secret is stored in the inbox and echoed in
  the answer (200). With ``handshake: first`` a path that already holds a secret answers 403.
- **delivery** (``X-Hook-Signature``): the signature is checked against the stored secret over
  the raw body before anything is parsed (401 when missing or wrong, nothing stored); a body
  that is not ``{"events": [...]}`` JSON is 400; otherwise the delivery and each new event are
  committed to the inbox and only then is the answer 200. When the inbox fails the answer is
  500, so that Asana delivers again. An empty ``events`` list is a heartbeat.

``GET /healthz`` answers ``{"status": "ok"}``. Other paths are 404.

    app = create_receiver(SqliteInbox("inbox.sqlite"), config.hooks, dispatcher=dispatcher)
    uvicorn.run(app)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, AsyncIterator, Mapping

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..runtime.jobfile import describe_error
from ..runtime.redact import Redactor
from .config import HookConfig
from .dispatcher import Dispatcher
from .inbox import IncomingEvent, InboxStore, event_key
from .signature import verify

__all__ = ["MAX_BODY_BYTES", "create_receiver"]

logger = logging.getLogger("asana_adaptor.run.webhooks")

MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_SECRET_CHARS = 1024


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class _Receiver:
    """The request handling behind :func:`create_receiver`."""

    def __init__(self, store: InboxStore, hooks: Mapping[str, HookConfig],
                 dispatcher: Dispatcher | None, redactor: Redactor, max_body: int) -> None:
        self.store = store
        self.hooks = dict(hooks)
        self.dispatcher = dispatcher
        self.redactor = redactor
        self.max_body = max_body

    def endpoint(self, hook: HookConfig) -> Any:
        """The request handler of one hook path."""

        async def receive(request: Request) -> Response:
            return await self.receive(hook, request)

        return receive

    async def receive(self, hook: HookConfig, request: Request) -> Response:
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():  # stop reading as soon as it is too large
            size += len(chunk)
            if size > self.max_body:
                logger.warning("Refused a request on %s: the body is larger than %d bytes",
                               hook.path, self.max_body)
                return _error(413, f"the body is larger than {self.max_body} bytes")
            chunks.append(chunk)
        body = b"".join(chunks)
        secret = request.headers.get("x-hook-secret")
        if secret is not None:
            return await self.handshake(hook, secret)
        return await self.delivery(hook, body, request.headers.get("x-hook-signature"))

    async def handshake(self, hook: HookConfig, secret: str) -> Response:
        if not secret or len(secret) > MAX_SECRET_CHARS or not secret.isprintable():
            logger.warning("Refused a handshake on %s: the X-Hook-Secret header is empty or "
                           "malformed", hook.path)
            return _error(400, "X-Hook-Secret must be a non-empty printable value")
        self.redactor.add(secret)
        try:
            saved = await run_in_threadpool(self.store.save_secret, hook.path, secret,
                                            replace=hook.handshake == "replace")
        except Exception as exc:
            logger.error("Handshake on %s failed: the inbox cannot store the secret: %s",
                         hook.path, describe_error(exc))
            return _error(500, "the secret could not be stored; try again")
        if not saved:
            logger.warning("Refused a handshake on %s: it already holds the secret of a webhook "
                           "(set `handshake: replace` on this hook to accept a new one)",
                           hook.path)
            return _error(403, f"{hook.path} already has a webhook secret; the receiver's "
                               "configuration must allow replacing it")
        logger.info("Handshake on %s: webhook secret stored", hook.path)
        return Response(status_code=200, headers={"X-Hook-Secret": secret})

    async def delivery(self, hook: HookConfig, body: bytes, signature: str | None) -> Response:
        try:
            secret = await run_in_threadpool(self.store.secret, hook.path)
        except Exception as exc:
            logger.error("Delivery on %s not accepted: the inbox cannot be read: %s", hook.path,
                         describe_error(exc))
            return _error(500, "the inbox is unavailable; deliver again later")
        if secret is None:
            logger.warning("Refused a delivery on %s: no handshake has stored a secret there",
                           hook.path)
            return _error(401, "no webhook secret for this path: create the webhook first")
        if not signature:
            logger.warning("Refused a delivery on %s: no X-Hook-Signature header", hook.path)
            return _error(401, "missing X-Hook-Signature")
        if not verify(secret, body, signature):
            logger.warning("Refused a delivery on %s: the signature does not match", hook.path)
            return _error(401, "invalid X-Hook-Signature")
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            logger.warning("Refused a signed delivery on %s: the body is not JSON", hook.path)
            return _error(400, f"the body is not JSON: {exc}")
        events = document.get("events") if isinstance(document, dict) else None
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            logger.warning("Refused a signed delivery on %s: the body is not "
                           '{"events": [event objects]}', hook.path)
            return _error(400, 'the body must be {"events": [event objects]}')
        incoming = [IncomingEvent(event_key(e), e, hook.wants(e)) for e in events]
        try:
            receipt = await run_in_threadpool(self.store.record_delivery, hook.path, body,
                                              incoming)
        except Exception as exc:
            logger.error("Delivery on %s not acknowledged: the inbox cannot store it (%s); "
                         "Asana will deliver it again", hook.path, describe_error(exc))
            return _error(500, "the delivery could not be stored; deliver again later")
        if receipt.heartbeat:
            logger.info("Heartbeat on %s", hook.path)
        else:
            skipped = sum(1 for e in incoming if not e.dispatch)
            logger.info("Delivery on %s: %d event(s), %d new, %d duplicate(s), %d left out by "
                        "the filter", hook.path, len(events), receipt.stored,
                        receipt.duplicates, skipped)
            if receipt.stored and self.dispatcher is not None:
                self.dispatcher.notify()
        return JSONResponse({"stored": receipt.stored, "duplicates": receipt.duplicates,
                             "heartbeat": receipt.heartbeat})


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_receiver(store: InboxStore, hooks: Mapping[str, HookConfig], *,
                    dispatcher: Dispatcher | None = None, redactor: Redactor | None = None,
                    max_body: int = MAX_BODY_BYTES, shutdown_grace: float = 30.0) -> Starlette:
    """The receiver app for ``hooks`` (by path) storing into ``store``.

    With a ``dispatcher``, the app runs it in the background while it serves (ASGI lifespan)
    and wakes it after each delivery; without one, events are only stored. On shutdown a run in
    progress gets ``shutdown_grace`` seconds to finish and be recorded. ``redactor``
    learns each secret handshakes bring, so that the logs mask them.
    """
    redactor = redactor if redactor is not None else Redactor()
    for secret in store.known_secrets():
        redactor.add(secret)
    receiver = _Receiver(store, hooks, dispatcher, redactor, max_body)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        task = (asyncio.get_running_loop().create_task(dispatcher.run_forever())
                if dispatcher is not None else None)
        try:
            yield
        finally:
            if task is not None and dispatcher is not None:
                dispatcher.stop()  # a run in progress is finished and recorded first
                try:
                    await asyncio.wait_for(task, shutdown_grace)
                except (TimeoutError, asyncio.CancelledError):
                    logger.warning("Stopped during a run; its event will run again at the "
                                   "next start")

    routes: list[Any] = [Route(path, receiver.endpoint(hook), methods=["POST"])
                         for path, hook in hooks.items()]
    routes.append(Route("/healthz", _health, methods=["GET"]))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.store = store
    app.state.dispatcher = dispatcher
    return app
