"""Upsert each submission into the Grievances project, keyed on the "Grievance ID" field.

Custom fields and dropdown options are written by name, exactly as the form exported them:
spelling drift such as "human–wildlife conflict" or "Land Rights " still finds the option,
and a value that is not an option stops the run with the list of valid ones.
"""

import io

from rich.console import Console
from rich.table import Table

from asana_adaptor.ops.names import NameIndex

PROJECT = "Grievances"


def to_task(submission):
    """One form submission as an Asana task body (custom fields by name)."""
    village = submission["grievance/village"].strip()
    country = submission["grievance/country"].strip()
    reporter = submission["reporter/name"].strip()
    focal_point = submission["followup/focal_point_email"].strip()
    notes = "\n\n".join([
        submission["grievance/description"].strip(),
        f"Reported by {reporter or 'an anonymous reporter'} in {village}, {country}.",
        f"KoboToolbox submission {submission['_id']} ({submission['_uuid']}).",
    ])
    return {
        "name": f"{submission['grievance_id']}: {village}",
        "notes": notes,
        "custom_fields": {
            "Grievance ID": submission["grievance_id"].strip(),
            "Grievance Status": submission["grievance/status"],
            "Category": submission["grievance/category"],
            "Country": submission["grievance/country"],
            "Date Entered": submission["reporter/date_entered"],
            "Reporter": reporter or None,
            "Households Affected": submission["grievance/households_affected"],
            "Themes": submission["grievance/themes"].split(),
            "Focal Point": [focal_point] if focal_point else [],
        },
    }


def choose_project(state):
    index = NameIndex(((p["name"], p["gid"]) for p in state["projects"]), kind="project")
    return {**state, "project": index.find(PROJECT)}


def comment(state):
    changes = ", ".join(state["data"]["changes"]) or "fields"
    return f"Updated from a new KoboToolbox submission: {changes}."


def report(state):
    result = state["sync"]
    summary = result["summary"]
    table = Table()
    table.add_column("Outcome")
    table.add_column("Tasks", justify="right")
    for action in ("created", "updated", "unchanged", "skipped"):
        table.add_row(action, str(summary[action]))
    table.add_row("total", str(sum(summary.values())), style="bold")
    out = io.StringIO()
    Console(file=out, width=60, color_system=None).print(table)
    print(f"Grievance sync into {PROJECT!r}:")
    print(out.getvalue().rstrip())
    results = [{"action": r["action"], "gid": r["gid"], "changes": r["changes"]}
               for r in result["results"]]
    return {**state, "data": {"summary": summary, "results": results}}


as_("projects", get_projects({"opt_fields": "name"}))
fn(choose_project)
upsert_tasks(S.project, lambda state: [to_task(s) for s in state["data"]["submissions"]],
             match="Grievance ID")
fn(lambda state: {**state, "sync": state["data"]})
each(lambda state: [r for r in state["sync"]["results"] if r["action"] == "updated"],
     create_task_story(S.data.gid, {"text": comment}))
fn(report)
