"""``python -m vntasks``: the ``vntasks`` command line."""

from pipeline.cli import main

main()
