"""Backend models, one module per Asana resource.

They are mixed into :class:`~asana_sandbox.backend.AsanaBackend`.
"""
