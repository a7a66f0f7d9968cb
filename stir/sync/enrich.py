"""Enrichments: columns a serving table takes from PostgreSQL's own tables, joined into the load.

The join happens inside the typed INSERT that fills the staging table (never a later
UPDATE, which would rewrite every row). The join key must be unique in the source, which
its migration enforces; the row-count guard would refuse a load that a duplicate key
multiplied.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Join:
    source: str                 # schema-qualified PostgreSQL table
    alias: str
    on: str                     # SQL over `s` (the loaded mart row) and earlier aliases


@dataclass(frozen=True)
class Enrichment:
    name: str
    joins: tuple[Join, ...]
    columns: tuple[tuple[str, str], ...]   # (serving column, expression over the aliases)

    @property
    def filled(self) -> frozenset[str]:
        return frozenset(col for col, _ in self.columns)

    def join_sql(self) -> str:
        return " ".join(f"LEFT JOIN {j.source} {j.alias} ON {j.on}" for j in self.joins)


ENRICHMENTS: dict[str, Enrichment] = {
    # The original's UPDATE leaderboard_tmp ... FROM instagram_account (ig_id = platform_id), as joins.
    # Both join keys are unique in their tables (instagram_account_ig_id_key, instagram_account_search_pkey).
    "instagram_account": Enrichment(
        name="instagram_account",
        joins=(Join("public.instagram_account", "ia", "s.profile_platform = 'IA' AND ia.ig_id = s.platform_id"),
               Join("public.instagram_account_search", "ias", "ias.profile_id = ia.profile_id")),
        columns=(("platform_profile_id", "ia.profile_id"),
                 ("audience_gender", "ia.top_audience_gender"),
                 ("search_phrase", "ias.search_phrase")),
    ),
}


def get(name: str | None) -> Enrichment | None:
    if name is None:
        return None
    try:
        return ENRICHMENTS[name]
    except KeyError:
        raise ValueError(f"unknown enrichment {name!r}; registered: {', '.join(sorted(ENRICHMENTS))}") from None
