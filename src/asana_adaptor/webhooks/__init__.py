"""The webhook receiver: signatures, the durable inbox, the ASGI app and the dispatcher.

    config = load_hooks("hooks.yaml")
    store = SqliteInbox(config.db)
    runner = WorkflowRunner(credentials_file=config.credentials)
    dispatcher = Dispatcher(store, config.hooks, runner)
    app = create_receiver(store, config.hooks, dispatcher=dispatcher)   # serve with uvicorn
"""

from .app import create_receiver
from .config import HookConfig, HooksConfig, HooksConfigError, load_hooks, parse_hooks
from .dispatcher import Dispatcher, RunEvent, WorkflowRunner
from .inbox import (
    DeliveryReceipt,
    IncomingEvent,
    InboxStore,
    RunOutcome,
    RunRecord,
    SqliteInbox,
    StoredEvent,
    StoreError,
    event_key,
)
from .signature import sign, verify

__all__ = [
    "DeliveryReceipt",
    "Dispatcher",
    "HookConfig",
    "HooksConfig",
    "HooksConfigError",
    "InboxStore",
    "IncomingEvent",
    "RunEvent",
    "RunOutcome",
    "RunRecord",
    "SqliteInbox",
    "StoreError",
    "StoredEvent",
    "WorkflowRunner",
    "create_receiver",
    "event_key",
    "load_hooks",
    "parse_hooks",
    "sign",
    "verify",
]
