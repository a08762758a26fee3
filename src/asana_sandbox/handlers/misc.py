"""Stories, tags, custom fields, enum options and attachments."""

from __future__ import annotations

from ..routing import Call, Route
from ..responses import Reply
from . import query_gid


# stories
def get_stories(call: Call) -> Reply:
    return call.listing("story", call.backend.get_stories_for_task(call.params["task_gid"]))


def create_story(call: Call) -> Reply:
    story = call.backend.create_story_for_task(call.params["task_gid"], call.data)
    return call.single("story", story, 201)


def get_story(call: Call) -> Reply:
    return call.single("story", call.backend.get_story(call.params["story_gid"]))


def update_story(call: Call) -> Reply:
    return call.single("story", call.backend.update_story(call.params["story_gid"], call.data))


def delete_story(call: Call) -> Reply:
    call.backend.delete_story(call.params["story_gid"])
    return call.empty()


def goal_stories(call: Call) -> Reply:
    call.backend.lookup("goal", call.params["goal_gid"])  # the sandbox has no goals: 404
    return call.listing("story", [])


# tags
def get_tags(call: Call) -> Reply:
    return call.listing("tag", call.backend.get_tags(query_gid(call.query, "workspace")))


def get_tags_for_workspace(call: Call) -> Reply:
    call.backend.get_workspace(call.params["workspace_gid"])
    return call.listing("tag", call.backend.get_tags(call.params["workspace_gid"]))


def create_tag(call: Call) -> Reply:
    return call.single("tag", call.backend.create_tag(call.data), 201)


def create_tag_for_workspace(call: Call) -> Reply:
    call.backend.get_workspace(call.params["workspace_gid"])
    return call.single("tag", call.backend.create_tag(call.data, call.params["workspace_gid"]), 201)


def get_tag(call: Call) -> Reply:
    return call.single("tag", call.backend.get_tag(call.params["tag_gid"]))


def update_tag(call: Call) -> Reply:
    return call.single("tag", call.backend.update_tag(call.params["tag_gid"], call.data))


def delete_tag(call: Call) -> Reply:
    call.backend.delete_tag(call.params["tag_gid"])
    return call.empty()


def get_tags_for_task(call: Call) -> Reply:
    return call.listing("tag", call.backend.get_tags_for_task(call.params["task_gid"]))


# custom fields
def create_custom_field(call: Call) -> Reply:
    return call.single("custom_field", call.backend.create_custom_field(call.data), 201)


def get_custom_field(call: Call) -> Reply:
    return call.single(
        "custom_field", call.backend.get_custom_field(call.params["custom_field_gid"])
    )


def update_custom_field(call: Call) -> Reply:
    field = call.backend.update_custom_field(call.params["custom_field_gid"], call.data)
    return call.single("custom_field", field)


def delete_custom_field(call: Call) -> Reply:
    call.backend.delete_custom_field(call.params["custom_field_gid"])
    return call.empty()


def get_custom_fields_for_workspace(call: Call) -> Reply:
    fields = call.backend.get_custom_fields_for_workspace(call.params["workspace_gid"])
    return call.listing("custom_field", fields)


def create_enum_option(call: Call) -> Reply:
    option = call.backend.create_enum_option(call.params["custom_field_gid"], call.data)
    return call.single("enum_option", option, 201)


def insert_enum_option(call: Call) -> Reply:
    option = call.backend.insert_enum_option(call.params["custom_field_gid"], call.data)
    return call.single("enum_option", option)


def update_enum_option(call: Call) -> Reply:
    option = call.backend.update_enum_option(call.params["enum_option_gid"], call.data)
    return call.single("enum_option", option)


# attachments
def create_attachment(call: Call) -> Reply:
    attachment = call.backend.create_attachment(call.data, call.request.files.get("file"))
    return call.single("attachment", attachment, 200)


def get_attachments(call: Call) -> Reply:
    return call.listing(
        "attachment", call.backend.get_attachments_for_object(call.query.get("parent"))
    )


def get_attachment(call: Call) -> Reply:
    return call.single("attachment", call.backend.get_attachment(call.params["attachment_gid"]))


def delete_attachment(call: Call) -> Reply:
    call.backend.delete_attachment(call.params["attachment_gid"])
    return call.empty()


routes = [
    Route("GET", "/tasks/{task_gid}/stories", get_stories),
    Route("POST", "/tasks/{task_gid}/stories", create_story),
    Route("GET", "/stories/{story_gid}", get_story),
    Route("PUT", "/stories/{story_gid}", update_story),
    Route("DELETE", "/stories/{story_gid}", delete_story),
    Route("GET", "/goals/{goal_gid}/stories", goal_stories),
    Route("POST", "/goals/{goal_gid}/stories", goal_stories),
    Route("GET", "/tags", get_tags),
    Route("POST", "/tags", create_tag),
    Route("GET", "/tags/{tag_gid}", get_tag),
    Route("PUT", "/tags/{tag_gid}", update_tag),
    Route("DELETE", "/tags/{tag_gid}", delete_tag),
    Route("GET", "/tasks/{task_gid}/tags", get_tags_for_task),
    Route("GET", "/workspaces/{workspace_gid}/tags", get_tags_for_workspace),
    Route("POST", "/workspaces/{workspace_gid}/tags", create_tag_for_workspace),
    Route("POST", "/custom_fields", create_custom_field),
    Route("GET", "/custom_fields/{custom_field_gid}", get_custom_field),
    Route("PUT", "/custom_fields/{custom_field_gid}", update_custom_field),
    Route("DELETE", "/custom_fields/{custom_field_gid}", delete_custom_field),
    Route("GET", "/workspaces/{workspace_gid}/custom_fields", get_custom_fields_for_workspace),
    Route("POST", "/custom_fields/{custom_field_gid}/enum_options", create_enum_option),
    Route("POST", "/custom_fields/{custom_field_gid}/enum_options/insert", insert_enum_option),
    Route("PUT", "/enum_options/{enum_option_gid}", update_enum_option),
    Route("POST", "/attachments", create_attachment),
    Route("GET", "/attachments", get_attachments),
    Route("GET", "/attachments/{attachment_gid}", get_attachment),
    Route("DELETE", "/attachments/{attachment_gid}", delete_attachment),
]
