"""Job files: top-level expressions become operations; errors name file and line."""

from __future__ import annotations

import asyncio

import pytest

from asana_adaptor.runtime import ExitCode, RunContext, RunError, compile_job, load_job
from asana_adaptor.runtime.jobfile import JobFailed


def run_job(job, state=None):
    return asyncio.run(job.run(state or {"data": None, "references": []}, RunContext()))


def test_top_level_expressions_become_operations_in_order(write):
    """Each top-level call is one operation, recorded with its line."""
    job = load_job(write("job.py", """
        fn(lambda s: {**s, "a": 1})

        fn(lambda s: {**s, "b": s["a"] + 1})
    """))
    assert [line for _, line in job.steps] == [1, 3]
    assert run_job(job)["b"] == 2


def test_assignments_defs_and_imports_run_at_load(write):
    """Plain Python statements run once, when the file loads, and jobs can use them."""
    job = load_job(write("job.py", """
        import math
        def double(x):
            return 2 * x
        base = math.floor(2.7)
        fn(lambda s: {**s, "data": double(base)})
    """))
    assert len(job.steps) == 1 and run_job(job)["data"] == 4


def test_public_names_need_no_import_and_star_import_works(write):
    """S, fn, each... are available, and `from asana_adaptor import *` also works."""
    job = load_job(write("job.py", """
        from asana_adaptor import *
        each(S.data, log(S.data))
    """))
    assert job.steps[0][0].name == "each"


def test_a_docstring_is_not_an_operation(write):
    """A string on its own line is ignored."""
    assert len(load_job(write("job.py", '"""Doc."""\nlog("x")\n')).steps) == 1


def test_a_top_level_value_that_is_not_an_operation_is_an_error(write):
    """print(...) at top level gives None: the error names file, line and the code."""
    with pytest.raises(RunError) as err:
        load_job(write("job.py", 'log("ok")\nprint("hi")\n'))
    assert err.value.code == ExitCode.JOB_INVALID
    assert err.value.message.startswith("job.py:2: `print(\"hi\")` is not an operation")


def test_a_bare_function_is_refused_with_a_hint_to_use_fn(write):
    """A lambda at top level is not an operation; the message suggests fn()."""
    with pytest.raises(RunError, match=r"job.py:1: .*wrap a plain function in fn"):
        load_job(write("job.py", "lambda state: state\n"))


def test_a_syntax_error_names_file_line_and_column(write):
    """A syntax error is reported as job.py:LINE: SyntaxError: ..."""
    with pytest.raises(RunError) as err:
        load_job(write("job.py", 'log("a")\nfn(lambda s: )\n'))
    assert err.value.code == ExitCode.JOB_INVALID
    assert err.value.message.startswith("job.py:2: SyntaxError:")


def test_an_error_while_loading_names_the_line(write):
    """A NameError in an assignment is reported at its line."""
    with pytest.raises(RunError, match=r"^job.py:2: NameError: name 'nope' is not defined"):
        load_job(write("job.py", "x = 1\ny = nope\n"))


def test_a_missing_job_file_is_file_not_found(tmp_path):
    """Loading a file that does not exist raises FILE_NOT_FOUND."""
    with pytest.raises(RunError) as err:
        load_job(tmp_path / "absent.py")
    assert err.value.code == ExitCode.FILE_NOT_FOUND


def test_a_failure_names_the_job_line_inside_the_operation(write):
    """An error in a helper function is reported at the helper's line, with the op's line."""
    job = load_job(write("job.py", """
        def boom(state):
            return 1 / 0
        log("start")
        fn(boom)
    """))
    with pytest.raises(JobFailed) as err:
        run_job(job)
    assert err.value.message == ("job.py:2: ZeroDivisionError: division by zero "
                                 "(in fn at line 4)")


def test_a_failure_keeps_the_last_good_state(write):
    """JobFailed carries the state the previous top-level operation returned."""
    job = compile_job('fn(lambda s: {**s, "n": 1})\nfn(lambda s: s["missing"])\n', "job.py")
    with pytest.raises(JobFailed) as err:
        run_job(job)
    assert err.value.state["n"] == 1
    assert err.value.message == "job.py:2: KeyError: key 'missing' not found"


def test_the_compiled_job_is_reused_until_the_source_changes(write):
    """A compiled copy in __pycache__ is used while the source is the same, and only then."""
    job = write("job.py", 'log("one")\n')
    assert len(load_job(job, write_cache=True).steps) == 1
    [cached] = (job.parent / "__pycache__").glob("job.asana-adaptor.*.bin")
    written = cached.read_bytes()
    cached.write_bytes(written)  # a hit must not rewrite it: mark it by its inode
    inode = cached.stat().st_ino
    assert len(load_job(job, write_cache=True).steps) == 1
    assert cached.stat().st_ino == inode
    job.write_text('log("one")\nlog("two")\n')
    assert len(load_job(job, write_cache=True).steps) == 2
    assert cached.stat().st_ino != inode and cached.read_bytes() != written


def test_javascript_null_in_a_job_names_the_python_word(write):
    """`null` (a habit from OpenFn's JavaScript) is reported with Python's None."""
    with pytest.raises(RunError, match=r"NameError: name 'null' is not defined "
                                       r"\(Python writes None, not null\)"):
        load_job(write("job.py", 'create_task({"name": "x", "notes": null})\n'))


def test_an_openfn_camel_case_name_points_to_the_snake_case_operation(write):
    """`getTask(...)` in a ported job names get_task."""
    with pytest.raises(RunError, match=r"NameError: name 'getTask' is not defined "
                                       r"\(OpenFn's getTask is get_task here"):
        load_job(write("job.py", 'getTask("1")\n'))


def test_a_javascript_arrow_function_is_named_in_the_syntax_error(write):
    """`state => state` fails with a hint to write a lambda."""
    with pytest.raises(RunError, match=r"SyntaxError: .*`state => \.\.\.` is JavaScript: "
                                       r"write `lambda state: \.\.\.`"):
        load_job(write("job.py", "fn(state => state)\n"))


def test_openfn_as_is_pointed_to_as_underscore(write):
    """`as(...)` (a Python keyword) fails with a hint to write as_(...)."""
    with pytest.raises(RunError, match=r"write `as_\(key, operation\)`"):
        load_job(write("job.py", 'as("task", get_task("1"))\n'))


def test_an_assert_statement_with_parentheses_is_refused(write):
    """`assert(cond, msg)` would always pass: the job is refused, pointing to assert_."""
    with pytest.raises(RunError) as err:
        load_job(write("job.py", 'assert(lambda s: s["data"], "no data")\n'))
    assert err.value.code == ExitCode.JOB_INVALID
    assert err.value.message.startswith("job.py:1: `assert(condition, message)` is Python's")
    assert err.value.message.endswith("write the operation `assert_(condition, message)`")


def test_any_top_level_assert_statement_is_refused(write):
    """`assert S.data` is always true while the file loads: the job is refused, pointing to
    assert_."""
    with pytest.raises(RunError) as err:
        load_job(write("job.py", 'fn(lambda s: s)\nassert S.data\n'))
    assert err.value.code == ExitCode.JOB_INVALID
    assert err.value.message.startswith("job.py:2: a top-level `assert` runs once")
    assert err.value.message.endswith("write the operation `assert_(condition, message)`")


def test_a_multi_line_error_message_is_reported_on_one_line(write):
    """Errors whose text spans lines are folded into the one-line report."""
    job = compile_job('fn(lambda s: (_ for _ in ()).throw(ValueError("a\\nb")))\n', "job.py")
    with pytest.raises(JobFailed) as err:
        run_job(job)
    assert err.value.message == "job.py:1: ValueError: a b"


def test_exit_inside_a_job_fails_the_step(write):
    """sys.exit() in job code is a step failure with its line, not the end of the process."""
    job = compile_job("import sys\nfn(lambda s: sys.exit(3))\n", "job.py")
    with pytest.raises(JobFailed) as err:
        run_job(job)
    assert err.value.message == "job.py:2: SystemExit: 3"


def test_a_job_imports_a_module_beside_it(write):
    """`from mapping import STATUS` finds mapping.py next to the job, and sys.path is restored."""
    import sys

    write("mapping_for_job_test.py", 'STATUS = {"open": "Open"}\n')
    before = list(sys.path)
    job = load_job(write("job.py", "from mapping_for_job_test import STATUS\n"
                                   'fn(lambda s: {**s, "data": STATUS["open"]})\n'))
    assert run_job(job)["data"] == "Open" and sys.path == before


def test_an_operation_inside_a_top_level_block_is_refused(write):
    """`if flag: log("x")` would make an operation and drop it: the loader says so."""
    with pytest.raises(RunError) as err:
        load_job(write("job.py", 'verbose = True\nif verbose:\n    log("details")\n'))
    assert err.value.code == ExitCode.JOB_INVALID
    assert err.value.message.startswith('job.py:3: `log("details")` makes an operation inside '
                                        "a block")
    assert "fn_if(condition, operation)" in err.value.message


def test_plain_python_in_top_level_blocks_and_functions_still_runs(write):
    """Loops, conditions and function bodies holding ordinary expressions load as before."""
    job = load_job(write("job.py", """
        names = []
        for n in ("a", "b"):
            names.append(n)
        def make():
            log("made inside a function")
            return log("returned")
        make()
    """))
    assert [op.name for op, _ in job.steps] == ["log"]
