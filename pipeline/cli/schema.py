"""``vntasks schema``: print the JSON Schema of the v1 contract: of records,
or of the error line a failed document gets."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def schema_command(
    error: Annotated[
        bool,
        typer.Option(
            "--error",
            help="The schema of the error line (or JSON array item) a document "
            "that could not be extracted gets, instead of the records'.",
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="The strict variant: exactly what this version writes (no unknown "
            "property or vocabulary value), not the reader's schema that any later "
            "1.x record meets.",
        ),
    ] = False,
) -> None:
    """Print the JSON Schema that every `vntasks extract` output follows (the
    reader's: it accepts the fields and values a later 1.x adds)."""
    from pipeline.export import error_schema, schema, schema_text

    if strict:
        chosen = error_schema(strict=True) if error else schema(strict=True)
        typer.echo(json.dumps(chosen, ensure_ascii=False, indent=2))
    else:
        typer.echo(schema_text(error), nl=False)


def register(app: typer.Typer) -> None:
    app.command("schema")(schema_command)
