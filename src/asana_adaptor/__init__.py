"""asana-adaptor: OpenFn-style jobs for Asana, in Python.

Jobs are sequences of operations over a JSON state. Everything a job file can use without an
import is exported here, so ``from asana_adaptor import *`` gives a script the same names.
"""

from ._version import __version__
from .ops import *  # noqa: F401,F403
from .runtime import S, execute
from .runtime.common import *  # noqa: F401,F403

# Every name of ``ops.__all__`` and ``runtime.common.__all__``, with S, execute and
# __version__, sorted; written out so that type checkers see them.
__all__ = [
    "CustomFieldError", "DuplicateMatchError", "MAX_ATTACHMENT_BYTES", "S", "UpsertError",
    "__version__", "add_dependencies", "add_dependents", "add_followers", "add_tag",
    "add_task_to_project", "as_", "assert_", "batch", "chunk", "combine", "create_enum_option",
    "create_project", "create_section", "create_subtask", "create_tag", "create_task",
    "create_task_story", "cursor", "data_path", "data_value", "delete_project", "delete_task",
    "duplicate_task", "each", "execute", "field", "fields", "fn", "fn_if", "get_attachments",
    "get_custom_field_settings", "get_events", "get_project", "get_projects", "get_sections",
    "get_stories", "get_subtasks", "get_tags", "get_task", "get_tasks", "get_user",
    "get_users", "get_workspace", "get_workspaces", "group", "last_reference_value", "log",
    "merge", "move_task_to_section", "prepare_task_body", "remove_followers", "remove_tag",
    "remove_task_from_project", "request", "search_task", "set_parent", "source_value",
    "store_as", "typeahead", "update_project", "update_task", "upload_attachment",
    "upsert_task", "upsert_tasks", "validate",
]
