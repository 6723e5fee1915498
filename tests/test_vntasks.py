"""Tests of the public package ``vntasks``: the project's name is its import
name (issue 14), every public name imports and carries a docstring, the
package is typed (PEP 561), and ``python -m vntasks`` is the command line.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import vntasks

ROOT = Path(__file__).parents[1]
# The modules a user of the library reaches through vntasks or the README.
PUBLIC_MODULES = [
    "vntasks",
    "pipeline.extraction",
    "pipeline.export",
    "pipeline.model",
    "pipeline.errors",
    "pipeline.read.document",
    "pipeline.formats.render",
    "pipeline.formats.csv",
    "pipeline.formats.xlsx",
    "pipeline.formats.ics",
    "pipeline.formats.html",
    "pipeline.formats.rows",
    "pipeline.batch",
    "pipeline.output",
]


def test_vntasks_extract_imports_under_the_project_name():
    from vntasks import extract, to_dict

    record = to_dict(extract(ROOT / "corpus" / "thong-bao-ket-luan-mau.txt"))
    vntasks.validate(record)
    assert record["generator"] == {"name": "vntasks", "version": vntasks.__version__}


@pytest.mark.parametrize("name", vntasks.__all__)
def test_vntasks_every_public_name_imports(name):
    assert getattr(vntasks, name) is not None
    assert name in dir(vntasks)


def _public_objects():
    seen = set()
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        names = module.__all__ if module_name == "vntasks" else vars(module)
        for name in names:
            value = getattr(module, name)
            if name.startswith("_") or not (inspect.isfunction(value) or inspect.isclass(value)):
                continue
            if module_name != "vntasks" and value.__module__ != module_name:
                continue
            if id(value) in seen:
                continue
            seen.add(id(value))
            yield f"{module_name}.{name}", name, value


def test_vntasks_all_lists_every_export():
    assert sorted(vntasks.__all__) == sorted(["__version__", *vntasks._EXPORTS])


PUBLIC = list(_public_objects())


@pytest.mark.parametrize(("where", "name", "value"), PUBLIC, ids=[row[0] for row in PUBLIC])
def test_vntasks_public_functions_and_classes_have_docstrings(where, name, value):
    doc = value.__doc__ or ""
    # A dataclass without a docstring gets its signature as one.
    assert doc.strip() and not doc.startswith(f"{name}("), f"{where} has no docstring"


def test_vntasks_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError):
        vntasks.nothing_here  # noqa: B018


@pytest.mark.parametrize("package", ["vntasks", "pipeline"])
def test_vntasks_packages_are_typed(package):
    assert (ROOT / package / "py.typed").is_file()
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'{package} = [' in project and '"py.typed"' in project


def test_vntasks_runs_as_a_module():
    done = subprocess.run(
        [sys.executable, "-m", "vntasks", "--version"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    assert done.stdout == f"vntasks {vntasks.__version__}\n"
