"""The README's Quickstart is the contract with new users: keep it true."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT


def quickstart_commands() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section, flags=re.DOTALL)


def test_quickstart_has_a_run_and_a_test_command() -> None:
    commands = quickstart_commands()
    assert len(commands) == 3  # run, test, and the optional ingest example after them
    run, test = commands[0], commands[1]
    assert "\n" not in run and run.endswith("newsbot run")
    assert "\n" not in test and test.endswith("pytest")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quickstart_commands()[1] in ci.splitlines()


def test_env_example_documents_every_setting() -> None:
    example = (REPO_ROOT / ".env.example").read_text(encoding="utf-8")
    settings_source = (REPO_ROOT / "bot" / "settings.py").read_text(encoding="utf-8")
    used = set(re.findall(r"\"([A-Z][A-Z0-9_]*_[A-Z0-9_]+)\"", settings_source))
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert used <= documented, used - documented
