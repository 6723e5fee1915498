"""The words the output formats show to people (table headers, the review
page's labels), by language, from ``labels.yaml`` beside this module: no
word lives in the format modules themselves."""

from __future__ import annotations

from functools import cache
from importlib import resources as importlib_resources
from typing import Any

LANGUAGES = ("en", "vi")


@cache
def _all() -> dict[str, Any]:
    import yaml

    text = importlib_resources.files("pipeline.formats").joinpath("labels.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def labels(lang: str) -> dict[str, Any]:
    """The labels of language ``lang`` (one of :data:`LANGUAGES`)."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    return _all()[lang]
