"""Asana operations, one module per resource.

Each public name is a function returning an operation: list it as a step of a job, or call
``execute(...)`` with it. Arguments may be lazy (``S.data.gid``, ``lambda state: ...``).
"""

from .attachments import MAX_ATTACHMENT_BYTES, get_attachments, upload_attachment
from .batch import batch
from .custom_fields import CustomFieldError, prepare_task_body
from .enum_options import create_enum_option
from .events import get_events
from .projects import (
    create_project, delete_project, get_custom_field_settings, get_project, get_projects,
    update_project,
)
from .request import request
from .sections import create_section, get_sections
from .stories import create_task_story, get_stories
from .tags import create_tag, get_tags
from .task_links import (
    add_dependencies, add_dependents, add_followers, add_tag, add_task_to_project,
    move_task_to_section, remove_followers, remove_tag, remove_task_from_project, set_parent,
)
from .tasks import (
    create_subtask, create_task, delete_task, duplicate_task, get_subtasks, get_task,
    get_tasks, search_task, update_task,
)
from .upsert import DuplicateMatchError, UpsertError, upsert_task, upsert_tasks
from .users import get_user, get_users
from .workspaces import get_workspace, get_workspaces, typeahead

# Written out so that type checkers see every name; the order, by resource, is the order
# `asana-adaptor docs` lists them in.
__all__ = [
    # tasks
    "get_task", "get_tasks", "create_task", "update_task", "delete_task", "search_task",
    "get_subtasks", "create_subtask", "duplicate_task",
    # task_links
    "set_parent", "add_task_to_project", "remove_task_from_project", "move_task_to_section",
    "add_tag", "remove_tag", "add_followers", "remove_followers", "add_dependencies",
    "add_dependents",
    # stories
    "create_task_story", "get_stories",
    # projects
    "get_projects", "get_project", "create_project", "update_project", "delete_project",
    "get_custom_field_settings",
    # sections
    "get_sections", "create_section",
    # tags
    "get_tags", "create_tag",
    # users
    "get_users", "get_user",
    # workspaces
    "get_workspaces", "get_workspace", "typeahead",
    # enum_options
    "create_enum_option",
    # attachments
    "upload_attachment", "get_attachments", "MAX_ATTACHMENT_BYTES",
    # events
    "get_events",
    # batch
    "batch",
    # request
    "request",
    # custom_fields: custom fields by name
    "CustomFieldError", "prepare_task_body",
    # upsert: upsert on any key
    "upsert_task", "upsert_tasks", "UpsertError", "DuplicateMatchError",
]
