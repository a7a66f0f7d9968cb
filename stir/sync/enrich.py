"""Enrichments: columns a serving table takes from PostgreSQL's own tables, joined into the load.

The join happens inside the typed INSERT that fills the staging table (never a later
UPDATE, which would rewrite every row). The join key must be unique in the source, which
its migration enforces; the row-count guard would refuse a load that a duplicate key
multiplied.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Enrichment:
    name: str
    source: str                 # schema-qualified PostgreSQL table
    alias: str
    join_on: str                # SQL over `s` (the loaded mart row) and `alias`
    columns: tuple[tuple[str, str], ...]   # (serving column, expression over alias)

    @property
    def filled(self) -> frozenset[str]:
        return frozenset(col for col, _ in self.columns)

    def join_sql(self) -> str:
        return f"LEFT JOIN {self.source} {self.alias} ON {self.join_on}"


ENRICHMENTS: dict[str, Enrichment] = {
    # As the original's UPDATE leaderboard_tmp ... FROM instagram_account: ig_id = platform_id.
    "instagram_account": Enrichment(
        name="instagram_account",
        source="public.instagram_account",
        alias="ia",
        join_on="ia.ig_id = s.platform_id",
        columns=(("platform_profile_id", "ia.id"),
                 ("audience_gender", "ia.audience_gender"),
                 ("search_phrase", "ia.search_phrase")),
    ),
}


def get(name: str | None) -> Enrichment | None:
    if name is None:
        return None
    try:
        return ENRICHMENTS[name]
    except KeyError:
        raise ValueError(f"unknown enrichment {name!r}; registered: {', '.join(sorted(ENRICHMENTS))}") from None
