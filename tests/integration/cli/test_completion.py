"""Shell completion: the scripts `pln completion SHELL` prints, and what they complete."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pln_reader.cli.main import cli

PLN = Path(sys.executable).with_name("pln")


@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o nosort -F _pln_completion pln"),
    ("zsh", "compdef _pln_completion pln"),
    ("fish", "complete --no-files --command pln"),
])
def test_each_shell_gets_its_script(shell: str, marker: str) -> None:
    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert marker in result.output and "_PLN_COMPLETE" in result.output


def test_an_unknown_shell_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["completion", "tcsh"])
    assert result.exit_code == 2 and "tcsh" in result.output


def _complete(shell: str, words: str, cword: str) -> list[str]:
    env = {"_PLN_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": cword}
    result = CliRunner().invoke(cli, [], env=env, prog_name="pln")
    return result.output.splitlines()


def test_commands_subcommands_and_options_complete() -> None:
    assert _complete("bash", "pln lis", "1") == ["plain,list", "plain,lists"]
    assert "plain,create\tCreate a topic list." in _complete("fish", "pln list cr", "cr")
    assert "export" in _complete("zsh", "pln exp", "1")
    assert "plain,--format" in _complete("bash", "pln learned --for", "2")


@pytest.mark.skipif(shutil.which("bash") is None or not PLN.exists(), reason="needs bash and the pln script")
def test_the_bash_script_completes_in_a_real_bash() -> None:
    script = ('eval "$(pln completion bash)"; COMP_WORDS=(pln sha); COMP_CWORD=1; '
              '_pln_completion pln; printf "%s\\n" "${COMPREPLY[@]}"')
    env = dict(os.environ, PATH=f"{PLN.parent}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(["bash", "-c", script], check=False, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["share", "shares"]
