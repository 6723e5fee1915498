"""The ``vntasks`` command line. Each sub-command lives in its own module
with a ``register(app)`` function; top-level imports stay light so that
``vntasks --help`` starts fast."""


from typing import Annotated

import typer

from pipeline.cli import annotations as annotations_cli
from pipeline.cli import deadline, evaluate, extract, review, rules, schema, serve
from pipeline.cli import register as register_cli

app = typer.Typer(
    name="vntasks",
    help="Extract tasks, responsible bodies and deadlines from Vietnamese directives.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (
    extract, review, schema, deadline, evaluate, annotations_cli, rules, register_cli, serve
):
    module.register(app)


def _show_version(wanted: bool) -> None:
    if wanted:
        from pipeline import __version__

        typer.echo(f"vntasks {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True,
            help="Print the version and exit.",
        ),
    ] = False,
) -> None:
    """vntasks: Vietnamese directive documents to task records."""


def main() -> None:
    """The ``vntasks`` program: the app, with other libraries' log lines and
    warnings kept off standard error (see :mod:`pipeline.quiet`)."""
    import sys

    from pipeline.quiet import silence_libraries

    silence_libraries()
    try:
        app()
    except KeyboardInterrupt:
        # Ctrl-C before a command took charge of it (while starting up).
        print("interrupted", file=sys.stderr)
        sys.exit(130)
