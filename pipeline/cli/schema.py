"""``vntasks schema``: print the JSON Schema of the v1 task-record contract."""

from __future__ import annotations

import typer


def schema_command() -> None:
    """Print the JSON Schema that every `vntasks extract` output follows."""
    from pipeline.export import schema_text

    typer.echo(schema_text(), nl=False)


def register(app: typer.Typer) -> None:
    app.command("schema")(schema_command)
