"""Configurations: schema, validation at the edge, credentials, environment default."""

from __future__ import annotations

import json

import pytest

from asana_adaptor.runtime import ExitCode, RunError
from asana_adaptor.runtime.config import configuration_schema, validate_configuration

SHOW = 'fn(lambda s: {**s, "data": s.get("configuration")})\n'


def test_the_schema_ships_with_the_package_and_marks_the_token_write_only():
    """configuration-schema.json is draft-07 with token writeOnly and the documented defaults."""
    schema = configuration_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["properties"]["token"]["writeOnly"] is True
    assert schema["properties"]["apiVersion"]["default"] == "1.0"
    assert schema["properties"]["baseUrl"]["default"] == "https://app.asana.com"
    assert schema["properties"]["rateLimit"]["type"] == "integer"


def test_an_openfn_credential_file_is_valid_unchanged():
    """{"apiVersion": "1.0", "token": "..."} passes validation as it is."""
    validate_configuration({"apiVersion": "1.0", "token": "1/abc:def"}, "creds.json")


@pytest.mark.parametrize("configuration, message", [
    ({"apiVersion": "1.0"}, "x: the configuration is missing 'token'"),
    ({"token": "t0k3n", "rateLimit": "fast"},
     "x: invalid configuration key 'rateLimit': must be of type integer, got str"),
    ({"token": 12345678}, "x: invalid configuration key 'token': must be of type string, got int"),
    ({"token": "t", "workspaceGid": "abc"}, "x: invalid configuration key 'workspaceGid'"),
    ({"token": "t", "baseUrl": "ftp://files"}, "x: invalid configuration key 'baseUrl': got "
                                               "'ftp://files'; expected: An http(s) origin"),
])
def test_invalid_configurations_name_the_key(configuration, message):
    """Validation names the missing or invalid key."""
    with pytest.raises(RunError) as err:
        validate_configuration(configuration, "x")
    assert err.value.code == ExitCode.CONFIGURATION_INVALID
    assert err.value.message.startswith(message)


def test_a_step_credential_name_is_looked_up_and_removed_from_the_output(write, run):
    """configuration: <name> comes from --credentials; the step sees it, the output does not."""
    write("job.py", SHOW)
    creds = write("creds.json", json.dumps({"asana": {"token": "abcdefgh", "apiVersion": "1.0"}}))
    wf = write("wf.yaml", "steps:\n  - {id: a, job: job.py, configuration: asana}\n")
    out = run(wf, credentials_file=str(creds), output_to_stdout=True)
    state = json.loads(out.stdout)
    assert out.code == ExitCode.OK
    assert "configuration" not in state and state["data"]["token"] == "***"


def test_an_unknown_credential_name_is_a_configuration_error(write, run):
    """Naming a credential the file lacks fails before anything runs."""
    write("job.py", SHOW)
    creds = write("creds.json", json.dumps({"other": {"token": "abcdefgh"}}))
    wf = write("wf.yaml", "steps:\n  - {id: a, job: job.py, configuration: asana}\n")
    out = run(wf, credentials_file=str(creds))
    assert out.code == ExitCode.CONFIGURATION_INVALID
    assert out.result.message == ("wf.yaml: step 'a': unknown credential 'asana' "
                                  "(the credentials file has: other)")


def test_an_invalid_configuration_stops_the_run_before_any_step(write, run):
    """A configuration without a token is refused at the edge, naming the step and key."""
    wf = write("wf.yaml", """
        steps:
          - {id: first, expression: 'log("ran")', next: second}
          - {id: second, expression: 'log("x")', configuration: {apiVersion: "1.0"}}
    """)
    out = run(wf)
    assert out.code == ExitCode.CONFIGURATION_INVALID and "[JOB] ran" not in out.stderr
    assert out.result.message == "wf.yaml: step 'second': the configuration is missing 'token' " \
                                 "(your Asana Personal Access Token)"


def test_environment_variables_give_the_default_configuration(write, run):
    """ASANA_TOKEN and ASANA_WORKSPACE_GID configure steps that have none."""
    out = run(write("job.py", SHOW), output_to_stdout=True,
              environ={"ASANA_TOKEN": "envtoken123", "ASANA_WORKSPACE_GID": "42"})
    assert json.loads(out.stdout)["data"] == {"apiVersion": "1.0", "token": "***",
                                              "workspaceGid": "42"}


def test_a_state_configuration_applies_to_a_job_and_is_not_written(write, run):
    """configuration in the input state (OpenFn style) reaches the job, not the output file."""
    job = write("job.py", SHOW)
    state = write("state.json", json.dumps({"configuration": {"token": "statetoken1"}}))
    run(job, state_file=str(state))
    text = (job.parent / "output.json").read_text()
    assert "statetoken1" not in text and json.loads(text)["data"] == {"token": "***"}


def test_the_client_checks_run_at_the_edge_before_any_step(write, run):
    """A base URL the client would refuse stops the run before its first step, naming the key."""
    creds = write("creds.json", json.dumps({"token": "abcdefgh",
                                            "baseUrl": "https://app.asana.com/api/1.0"}))
    out = run(write("job.py", 'log("ran")\n'), credentials_file=str(creds))
    assert out.code == ExitCode.CONFIGURATION_INVALID and "[JOB] ran" not in out.stderr
    assert out.result.message.startswith("job.py: configuration.baseUrl "
                                         "'https://app.asana.com/api/1.0' already ends with the "
                                         "API path")


def test_a_timeout_of_the_wrong_shape_says_what_is_expected():
    """A value matching none of a key's forms is explained from the schema's description."""
    with pytest.raises(RunError) as err:
        validate_configuration({"token": "abcdefgh", "timeout": {"connect": 0}}, "x")
    assert err.value.message == ("x: invalid configuration key 'timeout': got {'connect': 0}; "
                                 "expected: Seconds per request, or separate limits for each "
                                 "phase.")


def test_an_openfn_credential_file_is_the_default_configuration(write, run):
    """--credentials with a single OpenFn credential ({apiVersion, token}) configures the job."""
    creds = write("asana.json", json.dumps({"apiVersion": "1.0", "token": "openfntoken1"}))
    out = run(write("job.py", SHOW), credentials_file=str(creds), output_to_stdout=True)
    assert out.code == ExitCode.OK
    assert json.loads(out.stdout)["data"] == {"apiVersion": "1.0", "token": "***"}


def test_an_openfn_state_file_with_configuration_and_data_loads_unchanged(write, run):
    """An OpenFn CLI state file ({configuration, data}) given with -s runs as it is."""
    state = write("state.json", json.dumps({"configuration": {"apiVersion": "1.0",
                                                              "token": "openfntoken1"},
                                            "data": {"n": 1}}))
    job = write("job.py", 'fn(lambda s: {**s, "data": [s["data"], '
                          's["configuration"]["apiVersion"]]})\n')
    out = run(job, state_file=str(state), output_to_stdout=True)
    assert out.code == ExitCode.OK and json.loads(out.stdout)["data"] == [{"n": 1}, "1.0"]


def test_a_step_configuration_may_name_a_file_beside_the_workflow(write, run):
    """`configuration: asana.json` (OpenFn's form) loads that file, masked like any other."""
    write("creds/asana.json", json.dumps({"apiVersion": "1.0", "token": "filetoken1"}))
    write("job.py", SHOW)
    wf = write("wf.yaml", "steps:\n  - {id: a, job: job.py, configuration: creds/asana.json}\n")
    out = run(wf, output_to_stdout=True)
    assert out.code == ExitCode.OK
    assert json.loads(out.stdout)["data"] == {"apiVersion": "1.0", "token": "***"}


def test_a_missing_configuration_file_is_file_not_found(write, run):
    """A step naming a configuration file that does not exist fails before anything runs."""
    wf = write("wf.yaml", "steps:\n  - {id: a, expression: 'log(1)', configuration: gone.json}\n")
    out = run(wf)
    assert out.code == ExitCode.FILE_NOT_FOUND
    assert out.result.message == "wf.yaml: step 'a': gone.json: configuration file not found"
