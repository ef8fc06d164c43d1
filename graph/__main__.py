"""Run the command line with ``python -m kjgraph``."""

from kjgraph.cli import main

main()
