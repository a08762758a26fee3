"""Workflows: steps joined by edges, in YAML or JSON (OpenFn's workflow shape).

.. code-block:: yaml

    options:
      start: fetch              # optional; the first step otherwise
    steps:
      - id: fetch
        name: Fetch submissions # optional
        job: jobs/fetch.py      # relative to this file; or `expression:` with inline code
        configuration: asana    # a credential name (see --credentials), an inline object,
                                # or a JSON/YAML file beside this one (creds/asana.json)
        data: {limit: 10}       # optional default data (also `state:` for a default state)
        next:
          sync: on_job_success
          report: 'len(state["data"]) == 0'    # a condition (see conditions.py)
          alert: on_job_failure
      - id: sync
        expression: |
          log("syncing", S.data)

An edge's value is ``true``/``always`` (always followed), ``on_job_success``,
``on_job_failure``, ``false`` (disabled), a condition over ``state``, or an object
``{condition: ..., disabled: false}``. ``next`` may also be a step id or a list of ids.
The file may wrap ``steps`` in ``workflow:`` as OpenFn execution plans do.
Everything is checked when the file loads: unknown keys, duplicate ids, unknown targets,
unsafe conditions, cycles, and every job file.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .conditions import Condition, ConditionError
from .documents import read_document
from .exitcodes import ExitCode, RunError
from .jobfile import Job, compile_job, display_path, load_job

__all__ = ["Edge", "Step", "Workflow", "load_workflow", "single_job_workflow"]

ALWAYS, SUCCESS, FAILURE, NEVER, CONDITION = (
    "always", "on_job_success", "on_job_failure", "never", "condition")
_STEP_KEYS = {"id", "name", "job", "expression", "configuration", "state", "data", "next",
              "adaptor", "adaptors"}
_TOP_KEYS = {"steps", "workflow", "options", "name", "id"}
_OPTION_KEYS = {"start"}


@dataclass
class Edge:
    """A link to ``target``, followed according to ``kind`` (and ``condition``)."""

    target: str
    kind: str
    condition: Condition | None = None

    def follows(self, state: Any, failed: bool) -> bool:
        """Whether to follow this edge after a step that ``failed`` (or not) returned ``state``."""
        if self.kind == ALWAYS:
            return True
        if self.kind == SUCCESS:
            return not failed
        if self.kind == FAILURE:
            return failed
        if self.kind == CONDITION and self.condition is not None:
            return self.condition(state)
        return False

    def describe(self) -> str:
        return self.condition.text if self.condition is not None else self.kind


@dataclass
class Step:
    """One step: its job, where its configuration comes from, defaults, and its edges."""

    id: str
    job: Job
    name: str | None = None
    configuration: dict[str, Any] | str | None = None
    state: dict[str, Any] | None = None
    data: Any = None
    has_data: bool = False
    next: list[Edge] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.id} ({self.name})" if self.name and self.name != self.id else self.id


@dataclass
class Workflow:
    """Steps by id (in file order), the start step, and the file it came from."""

    path: Path
    display: str
    steps: dict[str, Step]
    start: str
    is_job: bool = False

    def parents(self, step_id: str) -> list[str]:
        """The ids of steps with an edge into ``step_id``."""
        return [s.id for s in self.steps.values() if any(e.target == step_id for e in s.next)]

    def reachable(self, start: str) -> list[str]:
        """Ids of the steps reachable from ``start`` (``start`` included), in file order."""
        seen, todo = {start}, [start]
        while todo:
            for edge in self.steps[todo.pop()].next:
                if edge.kind != NEVER and edge.target not in seen:
                    seen.add(edge.target)
                    todo.append(edge.target)
        return [s for s in self.steps if s in seen]

    def find_step(self, text: str, option: str) -> str:
        """The step an option names: its exact id, or a unique substring of an id or name."""
        if text in self.steps:
            return text
        needle = text.lower()
        found = [s.id for s in self.steps.values()
                 if needle in s.id.lower() or (s.name and needle in s.name.lower())]
        if len(found) == 1:
            return found[0]
        known = ", ".join(s.label for s in self.steps.values())
        if not found:
            raise RunError(f"{option} {text!r} matches no step of {self.display} "
                           f"(steps: {known})", ExitCode.STEP_NOT_FOUND)
        raise RunError(f"{option} {text!r} is ambiguous: it matches {', '.join(found)}; "
                       "give more of the id", ExitCode.STEP_NOT_FOUND)


def single_job_workflow(job: Job, path: Path) -> Workflow:
    """A job file run on its own: a workflow of one step named after the file."""
    step = Step(id=path.stem, job=job)
    return Workflow(path=path, display=job.display, steps={step.id: step}, start=step.id,
                    is_job=True)


def _invalid(display: str, message: str) -> RunError:
    return RunError(f"{display}: {message}", ExitCode.WORKFLOW_INVALID)


def _edges(display: str, step_id: str, raw: Any) -> list[Edge]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = {raw: True}
    elif isinstance(raw, list):
        if not all(isinstance(t, str) for t in raw):
            raise _invalid(display, f"step {step_id!r}: `next` lists must hold step ids")
        raw = {t: True for t in raw}
    if not isinstance(raw, dict):
        raise _invalid(display, f"step {step_id!r}: `next` must map step ids to conditions")
    edges = []
    for target, value in raw.items():
        if isinstance(value, dict):
            unknown = set(value) - {"condition", "disabled", "label"}
            if unknown:
                raise _invalid(display, f"edge {step_id} -> {target}: unknown keys "
                                        f"{sorted(unknown)} (use condition, disabled, label)")
            value = False if value.get("disabled") else value.get("condition", True)
        if value is True or value == ALWAYS:
            edges.append(Edge(str(target), ALWAYS))
        elif value is False or value is None:
            edges.append(Edge(str(target), NEVER))
        elif value in (SUCCESS, FAILURE):
            edges.append(Edge(str(target), value))
        elif isinstance(value, str):
            _refuse_misspelled_keyword(display, step_id, str(target), value)
            try:
                edges.append(Edge(str(target), CONDITION, Condition.compile(value)))
            except ConditionError as exc:
                raise _invalid(display, f"edge {step_id} -> {target}: {exc}") from None
        else:
            raise _invalid(display, f"edge {step_id} -> {target}: {value!r} is not true, "
                                    "false, on_job_success, on_job_failure, always or a condition")
    return edges


def _refuse_misspelled_keyword(display: str, step_id: str, target: str, value: str) -> None:
    """A bare word close to an edge keyword (``on_job_fail``) is a typo, not a condition."""
    word = value.strip()
    if not word.isidentifier() or word == "state":
        return
    close = difflib.get_close_matches(word.lower(), [SUCCESS, FAILURE, ALWAYS], n=1, cutoff=0.6)
    if close:
        raise _invalid(display, f"edge {step_id} -> {target}: unknown edge value {word!r}; "
                                f"did you mean {close[0]!r}? (use on_job_success, "
                                "on_job_failure, always, true, false or a condition)")


def _job_of(display: str, source: Path, raw: dict[str, Any], step_id: str) -> Job:
    base = source.parent
    job_path, expression = raw.get("job"), raw.get("expression")
    if job_path is not None and expression is not None:
        raise _invalid(display, f"step {step_id!r} has both `job` and `expression`; keep one")
    if (isinstance(expression, str) and "\n" not in expression.strip()
            and expression.strip().endswith(".py")):
        job_path, expression = expression.strip(), None  # OpenFn style: expression: ./job.py
    for named in (job_path, expression):
        if (isinstance(named, str) and "\n" not in named.strip()
                and named.strip().endswith((".js", ".mjs", ".ts"))):
            raise _invalid(display, f"step {step_id!r}: {named.strip()} is a JavaScript job "
                                    "(OpenFn's); asana-adaptor runs Python jobs: port it to a "
                                    ".py file (operation names in snake_case, S.data for "
                                    "$.data) and name that file here")
    if job_path is not None:
        if not isinstance(job_path, str):
            raise _invalid(display, f"step {step_id!r}: `job` must be a file path")
        file = (base / job_path)
        if not file.is_file():
            raise RunError(f"{display}: step {step_id!r}: job file {display_path(file)} not found",
                           ExitCode.FILE_NOT_FOUND)
        return load_job(file)
    if not isinstance(expression, str):
        raise _invalid(display, f"step {step_id!r} needs `job: path/to/job.py` or an inline "
                                "`expression`")
    return compile_job(expression, f"{source.resolve()}#{step_id}", f"{display}[{step_id}]")


def _step(display: str, source: Path, raw: Any, index: int) -> Step:
    if not isinstance(raw, dict):
        raise _invalid(display, f"steps[{index}] must be an object with an `id`")
    step_id = raw.get("id")
    if not isinstance(step_id, str) or not step_id.strip():
        raise _invalid(display, f"steps[{index}] needs an `id` (a non-empty string)")
    unknown = set(raw) - _STEP_KEYS
    if unknown:
        raise _invalid(display, f"step {step_id!r}: unknown keys {sorted(unknown)} "
                                f"(allowed: {', '.join(sorted(_STEP_KEYS))})")
    configuration = raw.get("configuration")
    if configuration is not None and not isinstance(configuration, (dict, str)):
        raise _invalid(display, f"step {step_id!r}: `configuration` must be an object or a "
                                "credential name")
    state = raw.get("state")
    if state is not None and not isinstance(state, dict):
        raise _invalid(display, f"step {step_id!r}: `state` must be an object")
    name = raw.get("name")
    return Step(
        id=step_id,
        name=str(name) if name is not None else None,
        job=_job_of(display, source, raw, step_id),
        configuration=configuration,
        state=state,
        data=raw.get("data"),
        has_data="data" in raw,
        next=_edges(display, step_id, raw.get("next")),
    )


def _check_cycles(display: str, steps: dict[str, Step]) -> None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(step_id: str, path: list[str]) -> None:
        state[step_id] = 1
        for edge in steps[step_id].next:
            if edge.kind == NEVER:
                continue
            if state.get(edge.target) == 1:
                loop = path[path.index(edge.target):] + [edge.target]
                raise _invalid(display, f"the workflow has a cycle: {' -> '.join(loop)}; "
                                        "steps may not lead back to themselves")
            if edge.target not in state:
                visit(edge.target, path + [edge.target])
        state[step_id] = 2

    for step_id in steps:
        if step_id not in state:
            visit(step_id, [step_id])


def load_workflow(path: str | Path) -> Workflow:
    """Load and check a workflow file; errors raise :class:`RunError` with the file's name."""
    file = Path(path)
    display = display_path(file)
    doc = read_document(file, display, ExitCode.WORKFLOW_INVALID, "workflow file")
    if not isinstance(doc, dict):
        raise _invalid(display, "a workflow must be an object with `steps`")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        hint = ""
        if "hooks" in unknown:
            hint = "; this is a webhooks file: run it with `asana-adaptor serve`"
        elif "token" in unknown or "data" in unknown or "configuration" in unknown:
            hint = ("; this is a credentials or state file: pass it with --credentials or -s, "
                    "and run a job (.py) or a workflow")
        raise _invalid(display, f"unknown keys {sorted(unknown)} (allowed: steps, workflow, "
                                f"options, name, id){hint}")
    body = doc.get("workflow") if isinstance(doc.get("workflow"), dict) else doc
    raw_steps = body.get("steps")
    options = doc.get("options") or body.get("options") or {}
    if not isinstance(raw_steps, list) or not raw_steps:
        raise _invalid(display, "`steps` must be a non-empty list")
    if not isinstance(options, dict) or set(options) - _OPTION_KEYS:
        raise _invalid(display, "`options` may only hold `start`")
    steps: dict[str, Step] = {}
    for index, raw in enumerate(raw_steps):
        step = _step(display, file, raw, index)
        if step.id in steps:
            raise _invalid(display, f"two steps have the id {step.id!r}; ids must be unique")
        steps[step.id] = step
    for step in steps.values():
        for edge in step.next:
            if edge.target not in steps:
                raise _invalid(display, f"step {step.id!r} leads to unknown step "
                                        f"{edge.target!r} (steps: {', '.join(steps)})")
    _check_cycles(display, steps)
    start = options.get("start", next(iter(steps)))
    if start not in steps:
        raise _invalid(display, f"options.start {start!r} is not a step id")
    return Workflow(path=file, display=display, steps=steps, start=start)
