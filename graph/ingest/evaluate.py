"""Scoring a draft against a gold annotation: recall and precision of statements and links.

A drafted statement matches a gold one when kind, status and the set of topics are equal and
its evidence starts where the gold sentence starts; a planned membership ("X will join Y")
matches on member, body and sentence. Each gold item is matched at most once. Links are
scored as sets of graph ids (people, places, bodies, events, topics) the draft links the
text to.

>>> s = Scores(matched=3, drafted=4, gold=3, links_right=5, links_drafted=5, links_gold=6)
>>> s.recall, s.precision, round(s.link_recall, 3)
(1.0, 0.75, 0.833)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Item = tuple[str, str, frozenset[str], int]  # (kind, status, topics or {member, body}, sentence start)


@dataclass(frozen=True)
class Scores:
    matched: int
    drafted: int
    gold: int
    links_right: int
    links_drafted: int
    links_gold: int

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.drafted if self.drafted else 1.0

    @property
    def link_precision(self) -> float:
        return self.links_right / self.links_drafted if self.links_drafted else 1.0

    @property
    def link_recall(self) -> float:
        return self.links_right / self.links_gold if self.links_gold else 1.0


def drafted_items(draft: dict[str, Any]) -> list[Item]:
    """The statements and planned memberships of a draft, with their sentence's start."""
    source = draft["sources"][0]["id"]
    items: list[Item] = []
    for record in draft.get("agreements") or []:
        for e in record.get("evidence", []):
            if e["source"] == source:
                items.append((record["kind"], record.get("status", ""), frozenset(record.get("topics", [])),
                              e["start"]))
    for body in draft.get("bodies") or []:
        starts = [e["start"] for e in body.get("evidence", []) if e["source"] == source]
        for member in body.get("members", []):
            if member.get("status") == "planned":
                items += [("Membership", "planned", frozenset({member["member"], body["id"]}), s) for s in starts]
    return items


def drafted_links(draft: dict[str, Any]) -> set[str]:
    return {link["id"] for link in draft["review"]["links"] if isinstance(link["id"], str)}


def score(draft: dict[str, Any], gold: list[Item], gold_links: set[str]) -> Scores:
    drafted = drafted_items(draft)
    free = list(gold)
    matched = 0
    for item in drafted:
        if item in free:
            free.remove(item)
            matched += 1
    links = drafted_links(draft)
    return Scores(matched, len(drafted), len(gold), len(links & gold_links), len(links), len(gold_links))
