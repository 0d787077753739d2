"""`pln completion SHELL`: the shell completion script (click's) for bash, zsh or fish."""

from __future__ import annotations

import sys

import click

SHELLS = ("bash", "zsh", "fish")
INSTALL = {
    "bash": 'eval "$(pln completion bash)"  # in ~/.bashrc',
    "zsh": 'eval "$(pln completion zsh)"  # in ~/.zshrc',
    "fish": "pln completion fish > ~/.config/fish/completions/pln.fish",
}


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def completion(ctx: click.Context, shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    bash:  eval "$(pln completion bash)"    (in ~/.bashrc)
    zsh:   eval "$(pln completion zsh)"     (in ~/.zshrc)
    fish:  pln completion fish > ~/.config/fish/completions/pln.fish
    """
    from click.shell_completion import get_completion_class

    root = ctx.find_root()
    complete = get_completion_class(shell)
    assert complete is not None  # every name in SHELLS is one of click's
    script = complete(root.command, {}, "pln", "_PLN_COMPLETE").source()
    click.echo(script)
    if sys.stdout.isatty():
        click.echo(f"# to install: {INSTALL[shell]}", err=True)


COMMANDS = (completion,)
