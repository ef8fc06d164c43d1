"""The command line's further commands, one module per command or group (CLI only).

Each module defines its command with click and drives the library, which takes explicit
arguments and raises kjgraph's errors; :mod:`kjgraph.cli` imports a module here only when its
command is used or listed (``kjgraph.cli.LAZY_COMMANDS``), so a query never pays for networkx,
matplotlib, pyvis or the HTTP stack.
"""
