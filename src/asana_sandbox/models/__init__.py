"""Backend models, one module per Asana resource; mixed into :class:`~asana_sandbox.backend.AsanaBackend`."""
