"""Access to the versioned data files under ``pipeline/resources/``.

Language knowledge lives in those files, never in code; this module only
finds, parses and caches them.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources as importlib_resources
from typing import Any

import yaml

_PACKAGE = "pipeline"


def resource_text(name: str) -> str:
    return importlib_resources.files(_PACKAGE).joinpath("resources", name).read_text("utf-8")


@cache
def load_yaml(name: str) -> Any:
    return yaml.safe_load(resource_text(name))


@cache
def load_jsonl(name: str) -> tuple[dict[str, Any], ...]:
    rows = []
    for line in resource_text(name).splitlines():
        line = line.strip()
        if line and not line.startswith("//"):
            rows.append(json.loads(line))
    return tuple(rows)
