"""Asana operations, one module per resource.

Each public name is a function returning an operation: list it as a step of a job, or call
``execute(...)`` with it. Arguments may be lazy (``S.data.gid``, ``lambda state: ...``).
"""

from .attachments import *  # noqa: F401,F403
from .attachments import __all__ as _attachments
from .batch import *  # noqa: F401,F403
from .batch import __all__ as _batch
from .enum_options import *  # noqa: F401,F403
from .enum_options import __all__ as _enum_options
from .events import *  # noqa: F401,F403
from .events import __all__ as _events
from .projects import *  # noqa: F401,F403
from .projects import __all__ as _projects
from .request import *  # noqa: F401,F403
from .request import __all__ as _request
from .sections import *  # noqa: F401,F403
from .sections import __all__ as _sections
from .stories import *  # noqa: F401,F403
from .stories import __all__ as _stories
from .tags import *  # noqa: F401,F403
from .tags import __all__ as _tags
from .task_links import *  # noqa: F401,F403
from .task_links import __all__ as _task_links
from .tasks import *  # noqa: F401,F403
from .tasks import __all__ as _tasks
from .users import *  # noqa: F401,F403
from .users import __all__ as _users
from .workspaces import *  # noqa: F401,F403
from .workspaces import __all__ as _workspaces

__all__ = [
    *_tasks,
    *_task_links,
    *_stories,
    *_projects,
    *_sections,
    *_tags,
    *_users,
    *_workspaces,
    *_enum_options,
    *_attachments,
    *_events,
    *_batch,
    *_request,
]

# Custom fields by name (CustomFieldError, prepare_task_body).
from .custom_fields import *  # noqa: F401,F403,E402
from .custom_fields import __all__ as _custom_fields  # noqa: E402

__all__ += [n for n in _custom_fields if n not in __all__]

# Upsert on any key.
from .upsert import *  # noqa: F401,F403,E402
from .upsert import __all__ as _upsert  # noqa: E402

__all__ += [n for n in _upsert if n not in __all__]
