"""``vntasks rules``: the assembly rules, and where each acts in the dev documents.

Thin: the catalogue is :mod:`pipeline.rules`, the search
:func:`pipeline.rules.rule_sites`. ``where`` reads only the dev part of the
gold split: the test parts are never opened while rules are written.
"""

from __future__ import annotations

from typing import Annotated

import typer


def list_command(
    field: Annotated[str | None, typer.Option(help="Only the rules of this field")] = None,
) -> None:
    """Every rule: id, priority, number of examples and counter-examples."""
    from pipeline.rules import catalogue

    for rule in catalogue().values():
        if field is not None and rule.field != field:
            continue
        typer.echo(
            f"{rule.id:42} {rule.priority:>4}  {len(rule.examples)} ex  "
            f"{len(rule.counter_examples)} counter  {rule.produces}"
        )


def show_command(rule_id: Annotated[str, typer.Argument(help="A rule id")]) -> None:
    """One rule with its evidence."""
    from pipeline.rules import catalogue

    rule = catalogue().get(rule_id)
    if rule is None:
        typer.echo(f"error: no rule {rule_id!r}; see 'vntasks rules list'", err=True)
        raise typer.Exit(2)
    typer.echo(f"{rule.id} ({rule.field}, priority {rule.priority})")
    typer.echo(f"  matches:  {rule.matches}")
    typer.echo(f"  produces: {rule.produces}")
    typer.echo(f"  source:   {rule.source}")
    if rule.flags:
        typer.echo(f"  flags:    {', '.join(rule.flags)}")
    if rule.reason:
        typer.echo(f"  reason:   {rule.reason}")
    for title, examples in (("example", rule.examples), ("counter", rule.counter_examples)):
        for example in examples:
            typer.echo(f"  {title} ({example.source}): {example.text!r}")


def where_command(
    rule_id: Annotated[str, typer.Argument(help="A rule id")],
    limit: Annotated[int, typer.Option(help="At most this many places")] = 20,
) -> None:
    """Where a rule acts in the dev part's documents, with the line around it."""
    from pipeline.rules import catalogue, rule_sites

    if rule_id not in catalogue():
        typer.echo(f"error: no rule {rule_id!r}; see 'vntasks rules list'", err=True)
        raise typer.Exit(2)
    for site in rule_sites(rule_id, limit=limit):
        typer.echo(f"{site.document}  [{site.start}:{site.end}]  {site.line}")
        if site.description:
            typer.echo(f"    task: {site.description}")


def register(app: typer.Typer) -> None:
    sub = typer.Typer(help="The assembly rules: list, show, and where each acts on dev.")
    sub.command("list")(list_command)
    sub.command("show")(show_command)
    sub.command("where")(where_command)
    app.add_typer(sub, name="rules")
