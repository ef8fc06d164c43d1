"""``python -m kjgraph.i18n``: update the PO catalogues from the message ids in the sources."""

from kjgraph.i18n import update

for path in update():
    print(f"updated {path}")
