"""`watch`, `stop`, the options that map to the run input, state machines by name, profiles,
`--output-name` and the exit statuses `--help` lists: in-process, through pipes and on terminals."""

from __future__ import annotations

import json
import re
import shlex

from harness.buckets import put_objects
from harness.fill import fill_objects
from tests.cli.conftest import run_args, run_in_pipe, run_in_terminal, subprocess_env
from tests.cli.test_terraform import fake_terraform
from tests.deployment import DST, SRC

README = __import__("pathlib").Path(__file__).resolve().parents[2] / "README.md"


def described_input(sync, arn: str) -> dict:
    return json.loads(sync.sfn.describe_execution(executionArn=arn)["input"])


def test_watch_follows_a_run_started_with_no_wait_to_the_same_output_as_run(sync):
    put_objects(sync.s3, SRC, {f"obj/{i:05}": b"x" * 10 for i in range(120)})
    env = subprocess_env(sync.emulator.endpoint)
    started = run_in_pipe([*run_args(sync.state_machine_arn, SRC, DST), "--no-wait", "--json"], env)
    assert started.code == 0, started.stderr
    document = started.json()
    assert (document["status"], document["copied"], document["stop"]) == ("RUNNING", None, None)
    arn = document["executionArn"]

    watched = run_in_terminal(["watch", arn], env)
    assert watched.code == 0, watched.out + watched.err
    table = watched.out.replace("\r\n", "\n")
    assert table.startswith("status       SUCCEEDED\nsource       e2e-src\ndestination  e2e-dst\n")
    assert re.search(r"^copied +120$", table, re.MULTILINE)
    assert re.search(rf"^execution +{re.escape(arn)}$", table, re.MULTILINE)

    # Watching an execution that has ended reports it at once, in JSON as run does.
    again = run_in_pipe(["watch", arn, "--json"], env)
    assert again.code == 0, again.stderr
    assert (again.json()["copied"], again.json()["executionArn"], again.json()["source"]) == (120, arn, SRC)


def test_stop_stops_a_running_execution_and_watch_then_exits_1(sync):
    fill_objects(sync.emulator, SRC, {f"obj/{i:05}": b"x" for i in range(1500)})
    env = subprocess_env(sync.emulator.endpoint)
    started = run_in_pipe([*run_args(sync.state_machine_arn, SRC, DST), "--no-wait"], env)
    arn = started.stdout.strip()
    stopped = run_in_pipe(["stop", arn, "--json"], env)
    assert stopped.code == 0, stopped.stderr
    assert (stopped.json()["status"], stopped.json()["executionArn"]) == ("ABORTED", arn)

    watched = run_in_pipe(["watch", arn], env)
    assert watched.code == 1
    assert watched.stdout.startswith("status       ABORTED\n")
    assert watched.stderr.startswith("error: ABORTED: ")

    again = run_in_pipe(["stop", arn], env)
    assert (again.code, again.stdout) == (0, f"not running: {arn} (ABORTED)\n")
    missing = run_in_pipe(["stop", arn + "-missing"], env)
    assert missing.code == 2 and "ExecutionDoesNotExist" in missing.stderr


def test_short_flags_and_include_exclude_become_the_contract_input(sync, cli):
    put_objects(sync.s3, SRC, {"a/1.jpg": b"1", "a/2.txt": b"2", "a/tmp/3.jpg": b"3", "b/4.jpg": b"4"})
    result = cli(
        "run",
        "--state-machine-arn",
        sync.state_machine_arn,
        "-s",
        SRC,
        "-d",
        DST,
        "-p",
        "a/",
        "-i",
        "*.jpg",
        "--include",
        "*.txt",
        "-x",
        "tmp/*",
        "-n",
        "-j",
    )
    assert result.code == 0, result.stderr
    document = result.json()
    assert described_input(sync, document["executionArn"]) == {
        "source": SRC,
        "destination": DST,
        "prefix": "a/",
        "include": ["*.jpg", "*.txt"],
        "exclude": ["tmp/*"],
        "dryRun": True,
    }
    assert (document["dryRun"], document["copied"]) == (True, 2)
    assert sync.snapshot(DST) == {}


def test_a_state_machine_by_name_is_looked_up_in_the_region(sync, monkeypatch):
    name = sync.state_machine_arn.split(":")[-1]
    env = subprocess_env(sync.emulator.endpoint)
    env.pop("AWS_REGION", None)
    env.pop("AWS_DEFAULT_REGION", None)
    base = ["run", "--state-machine", name, "--source", SRC, "--destination", DST, "--json"]

    no_region = run_in_pipe(base, env)
    assert no_region.code == 2 and no_region.stdout == ""
    assert no_region.stderr.startswith("error: no AWS region: pass --region")

    by_name = run_in_pipe([*base, "--region", "us-east-1", "--allow-empty-source"], env)
    assert by_name.code == 0, by_name.stderr
    assert sync.sfn.describe_execution(executionArn=by_name.json()["executionArn"])["stateMachineArn"] == (
        sync.state_machine_arn
    )
    unknown = run_in_pipe(
        ["run", "--state-machine", "nope", "-s", SRC, "-d", DST, "--region", "us-east-1"], env
    )
    assert unknown.code == 2
    assert unknown.stderr == "error: no state machine named 'nope' in us-east-1; pass its ARN or --region\n"


def test_profile_gives_the_region_and_credentials(sync, tmp_path):
    config = tmp_path / "config"
    config.write_text(
        "[profile emu]\nregion = us-east-1\naws_access_key_id = test\naws_secret_access_key = test\n"
    )
    env = subprocess_env(sync.emulator.endpoint) | {"AWS_CONFIG_FILE": str(config)}
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_DEFAULT_REGION"):
        env.pop(name, None)
    name = sync.state_machine_arn.split(":")[-1]
    base = ["run", "--state-machine", name, "-s", SRC, "-d", DST, "--allow-empty-source", "-j"]
    ok = run_in_pipe([*base, "--profile", "emu"], env)
    assert ok.code == 0, ok.stderr
    assert ok.json()["status"] == "SUCCEEDED"
    missing = run_in_pipe([*base, "--profile", "nobody"], env)
    assert missing.code == 2 and "nobody" in missing.stderr and missing.stdout == ""


def test_output_name_picks_another_terraform_output(sync, tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake_terraform(bin_dir, json.dumps({"sync_arn": {"value": sync.state_machine_arn}}))
    env = subprocess_env(sync.emulator.endpoint)
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    base = ["run", "--from-terraform", str(tmp_path), "-s", SRC, "-d", DST, "--allow-empty-source", "-j"]
    default = run_in_pipe(base, env)
    assert default.code == 2 and "no string output 'state_machine_arn' (outputs: sync_arn)" in default.stderr
    named = run_in_pipe([*base, "--output-name", "sync_arn"], env)
    assert named.code == 0, named.stderr
    assert named.json()["stateMachineArn"] == sync.state_machine_arn


def readme_exit_statuses() -> dict[str, str]:
    """The exit statuses the README's "Command line" section lists: ``| `N` | meaning |``."""
    text = README.read_text()
    section = text[text.index("## Command line") :]
    section = section[: section.index("\n## ", 3)]
    rows = dict(re.findall(r"^\| `(\d+)` \| (.+?) \|$", section, re.MULTILINE))
    assert rows, "the README lists the exit statuses in a table"
    return rows


def test_help_lists_every_exit_status_the_readme_lists(deployment):
    statuses = readme_exit_statuses()
    assert set(statuses) >= {"0", "1", "2", "3", "4", "5", "130"}
    env = subprocess_env(deployment.emulator.endpoint)
    for command in ([], ["run"], ["watch"], ["stop"]):
        shown = run_in_pipe([*command, "--help"], env)
        assert shown.code == 0
        listed = set(
            re.findall(r"^  (\d+) +\S", shown.stdout[shown.stdout.index("exit status:") :], re.MULTILINE)
        )
        assert listed == set(statuses), (command, listed)
    on_terminal = run_in_terminal(["run", "--help"], env)
    assert "  4    ObjectsFailed" in on_terminal.out.replace("\r\n", "\n")


def test_the_printed_watch_command_is_one_a_shell_can_run(sync):
    """`--endpoint-url` and `--profile` given to run are carried into the printed commands."""
    from bucket_sync_cli.main import _command, build_parser

    args = build_parser().parse_args(["watch", "arn:x", "--endpoint-url", "http://h:1/a b", "--profile", "p"])
    line = _command(args, "stop", "arn:aws:states:us-east-1:1:execution:sm:e")
    assert shlex.split(line) == [
        "bucket-sync",
        "stop",
        "arn:aws:states:us-east-1:1:execution:sm:e",
        "--profile",
        "p",
        "--endpoint-url",
        "http://h:1/a b",
    ]
