"""`asana-adaptor run`: run a job file or a workflow file (the work is in runtime.runner)."""

from __future__ import annotations

import os
import sys

import click

from ..runtime.exitcodes import ExitCode
from ..runtime.logs import LEVELS
from ..runtime.runner import RunOptions, Runner

_EPILOG = "\b\nExit codes:\n" + "\n".join(
    f"  {int(code):>3}  {code.name.lower().replace('_', ' ')}" for code in ExitCode)


@click.command(context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("-s", "--state", "state_file", metavar="FILE",
              help="Input state (JSON, or YAML by extension).")
@click.option("-S", "state_from_stdin", is_flag=True,
              help="Read the input state (JSON) from stdin.")
@click.option("-o", "--output", "output_file", metavar="FILE",
              help="Where to write the final state [default: output.json beside PATH].")
@click.option("-O", "output_to_stdout", is_flag=True, help="Write the final state to stdout.")
@click.option("--credentials", "credentials_file", metavar="FILE",
              help="A map of name -> configuration (JSON or YAML), or one OpenFn credential "
                   "file. ASANA_TOKEN / ASANA_WORKSPACE_GID give a default configuration.")
@click.option("--start", metavar="STEP", help="Start the workflow at STEP (id, or a unique part "
                                              "of an id or name).")
@click.option("--end", metavar="STEP", help="Stop the workflow after STEP.")
@click.option("--only", metavar="STEP", help="Run only STEP.")
@click.option("--cache-steps", is_flag=True,
              help="Write each step's output under .cache/ beside PATH (for --start later).")
@click.option("--log", "log_level", type=click.Choice(LEVELS), default="default",
              show_default=True, help="How much to log (to stderr).")
@click.option("--log-json", is_flag=True, help="Log one JSON object per line.")
@click.option("--timeout", type=float, default=300.0, show_default=True, metavar="SECONDS",
              help="End the run when it takes longer.")
@click.option("--sandbox", is_flag=True,
              help="Run against the local Asana sandbox instead of Asana.")
@click.option("--sandbox-reset", is_flag=True, help="With --sandbox: start from fresh demo data.")
def run(path: str, **options: object) -> None:
    """Run a job file (.py) or a workflow file (.yaml, .yml, .json).

    \b
    Examples:
      asana-adaptor run job.py -s state.json
      asana-adaptor run workflow.yaml --credentials creds.json --start sync
      asana-adaptor run workflow.yaml --sandbox -O
    """
    result = Runner(RunOptions(path=path, **options)).run()  # type: ignore[arg-type]
    if result.worker_alive:  # a job stuck in synchronous code: do not wait for it
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(result.code))
    sys.exit(int(result.code))
