"""Runs once per stored webhook event: ``data`` is the event, e.g.
``{"action": "changed", "resource": {"gid": "...", "resource_type": "task"},
"change": {"field": "name", "action": "changed"}, ...}``.

Events are compact, so the job reads the task back before acting on it.
"""

get_task(S.data.resource.gid, {"opt_fields": "name,permalink_url"})
log("task renamed to", S.data.name, S.data.permalink_url)
create_task_story(S.data.gid, {"text": lambda state: f"Renamed to {state['data']['name']!r}."})
