"""Read the form submissions (a KoboToolbox JSON export) beside the workflow.

``data.file`` names the export (default ``submissions.json``, relative to the workflow's
folder). When a grievance was submitted more than once (an edited form), the latest
submission wins. Result: ``data = {"submissions": [...]}``, oldest first.
"""

import json
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent


def load(state):
    name = (state.get("data") or {}).get("file") or "submissions.json"
    path = Path(name) if Path(name).is_absolute() else FOLDER / name
    submissions = json.loads(path.read_text(encoding="utf-8"))
    latest = {}
    for submission in sorted(submissions, key=lambda s: s["_submission_time"]):
        latest[submission["grievance_id"].strip()] = submission
    kept = sorted(latest.values(), key=lambda s: s["_submission_time"])
    return {**state, "data": {"submissions": kept}}


fn(load)
log("loaded", lambda state: len(state["data"]["submissions"]), "grievances")
