"""How fresh every served table is: recorded by each sync in its swap, reported by `stir freshness`.

Recorded (stir_meta.table_freshness, migration 0062), in the swap transaction so a row never
describes a snapshot that is not live: the ClickHouse build time of the exported mart, the
publish (commit) time, rows.

Reported per served table (every `mart` -> `table` pair of docs/dags.md):
    age        now - built_at (the data's age; publish time when the build time is unknown)
    objective  the tier's period (longest gap between two runs of its cron) + its dagrun timeout:
               a build that started on time and finished within budget is never older than that
    status     ok (age <= objective); late (<= the limit check_mart_freshness alarms at: two missed
               runs + timeout, + the batch window for tiers that skip it); stale (older, or never published)
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import asdict, dataclass

from stir import config, tiers

log = logging.getLogger(__name__)

TABLE = "stir_meta.table_freshness"
_PAIR = re.compile(r"`(mart_\w+)` -> `([\w.]+)`")


def snapshot_built_at(ch_client, schema: str, table: str) -> dt.datetime | None:
    """When ClickHouse last wrote the table: dbt re-creates a table model (its DDL time) and an
    incremental one adds parts; the later of the two, as check_mart_freshness reads it."""
    try:
        result = ch_client.query(
            "SELECT toUnixTimestamp(greatest(t.metadata_modification_time, ifNull((SELECT max(modification_time) "
            "FROM system.parts WHERE database = {db:String} AND table = {name:String} AND active), "
            "toDateTime(0)))) FROM system.tables AS t WHERE t.database = {db:String} AND t.name = {name:String}",
            parameters={"db": schema, "name": table})
        rows = result.result_rows
    except Exception as exc:  # freshness is informative: never fail a sync over it
        log.warning("could not read the build time of %s.%s: %s", schema, table, exc)
        return None
    if not rows or not rows[0][0]:
        return None
    return dt.datetime.fromtimestamp(int(rows[0][0]), dt.timezone.utc)


def record(cur, *, table: str, mart: str, built_at: dt.datetime | None, rows: int,
           dag_id: str | None = None, run_id: str | None = None) -> bool:
    """Upsert the table's row; called inside the swap transaction. False if the table is missing."""
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", (TABLE,))
    if not cur.fetchone()[0]:
        return False
    cur.execute(
        f"INSERT INTO {TABLE} (table_name, mart, built_at, published_at, rows, dag_id, run_id) "
        "VALUES (%s, %s, %s, clock_timestamp(), %s, %s, %s) "
        "ON CONFLICT (table_name) DO UPDATE SET mart = EXCLUDED.mart, built_at = EXCLUDED.built_at, "
        "published_at = EXCLUDED.published_at, rows = EXCLUDED.rows, dag_id = EXCLUDED.dag_id, "
        "run_id = EXCLUDED.run_id",
        (table, mart, built_at, rows, dag_id, run_id))
    return True


# --- report -------------------------------------------------------------------------------


@functools.cache
def served_pairs() -> tuple[tuple[str, str], ...]:
    """(mart, schema-qualified table) for every sync pair in the catalogue (docs/dags.md)."""
    text = (config.REPO_ROOT / "docs" / "dags.md").read_text(encoding="utf-8")
    pairs = {(m, t if "." in t else f"public.{t}") for m, t in _PAIR.findall(text)}
    return tuple(sorted(pairs, key=lambda p: p[1]))


@functools.cache
def period(schedule: str) -> dt.timedelta:
    """Longest gap between two consecutive fires of a cron over four weeks."""
    from croniter import croniter

    start = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
    it = croniter(schedule, start)
    fires = [it.get_next(dt.datetime) for _ in range(2000)]
    fires = [f for f in fires if f <= start + dt.timedelta(days=28)] or fires[:2]
    return max(b - a for a, b in zip(fires, fires[1:], strict=False))


def objective(mart: str) -> tuple[str | None, dt.timedelta | None, dt.timedelta | None]:
    """(tier, objective, stale limit) of a mart; Nones for a mart no tier builds."""
    from stir.airflow.ops import max_staleness_minutes
    from stir.airflow.tier_models import MODEL_TIER

    tag = MODEL_TIER.get(mart)
    if tag is None:
        return None, None, None
    tier = tiers.BY_TAG[tag]
    return (tag, period(tier.schedule) + dt.timedelta(minutes=tier.timeout_minutes),
            dt.timedelta(minutes=max_staleness_minutes(tier)))


@dataclass
class Row:
    table: str
    mart: str
    tier: str | None
    built_at: str | None
    published_at: str | None
    rows: int | None
    age_minutes: float | None
    objective_minutes: float | None
    status: str


def status_of(age: dt.timedelta | None, goal: dt.timedelta | None, limit: dt.timedelta | None) -> str:
    if age is None:
        return "stale"
    if goal is None or limit is None:
        return "ok"
    return "ok" if age <= goal else "late" if age <= limit else "stale"


def report(conn, now: dt.datetime | None = None) -> list[Row]:
    """One row per served table, the catalogue's tables first-class even if never published."""
    now = now or dt.datetime.now(dt.timezone.utc)
    cur = conn.cursor()
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", (TABLE,))
    recorded = {}
    if cur.fetchone()[0]:
        cur.execute(f"SELECT table_name, mart, built_at, published_at, rows FROM {TABLE}")
        recorded = {r[0]: r for r in cur.fetchall()}
    conn.rollback()
    pairs = dict((t, m) for m, t in served_pairs())
    for table, rec in recorded.items():
        pairs.setdefault(table, rec[1].rpartition(".")[2])
    out = []
    for table, mart in sorted(pairs.items()):
        tag, goal, limit = objective(mart)
        rec = recorded.get(table)
        built, published, rows = (rec[2], rec[3], rec[4]) if rec else (None, None, None)
        reference = built or published
        age = (now - reference) if reference else None
        out.append(Row(table=table, mart=mart, tier=tag,
                       built_at=built.isoformat() if built else None,
                       published_at=published.isoformat() if published else None, rows=rows,
                       age_minutes=round(age.total_seconds() / 60, 1) if age is not None else None,
                       objective_minutes=goal.total_seconds() / 60 if goal else None,
                       status=status_of(age, goal, limit)))
    return out


def as_dicts(rows: list[Row]) -> list[dict]:
    return [asdict(r) for r in rows]


def _fmt_minutes(m: float | None) -> str:
    if m is None:
        return "-"
    return f"{m:.0f}m" if m < 120 else f"{m / 60:.1f}h"


def render_text(rows: list[Row]) -> str:
    headers = ("table", "mart", "tier", "age", "objective", "status", "rows", "built_at")
    body = [(r.table, r.mart, r.tier or "-", _fmt_minutes(r.age_minutes), _fmt_minutes(r.objective_minutes),
             r.status, "-" if r.rows is None else str(r.rows), r.built_at or "never") for r in rows]
    widths = [max(len(x) for x in col) for col in zip(headers, *body, strict=False)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    counts = {s: sum(r.status == s for r in rows) for s in ("ok", "late", "stale")}
    return "\n".join([fmt.format(*headers), fmt.format(*("-" * w for w in widths))]
                     + [fmt.format(*r) for r in body]
                     + [f"{len(rows)} served tables: " + ", ".join(f"{v} {k}" for k, v in counts.items())])


def plot(rows: list[Row], path) -> None:
    """PNG: data age vs objective per table (log scale), coloured by status."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [r for r in rows if r.age_minutes is not None] or rows
    colours = {"ok": "#2e7d32", "late": "#f9a825", "stale": "#c62828"}
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.28 * len(shown) + 1)))
    y = list(range(len(shown)))
    ax.barh(y, [max(r.age_minutes or 0, 0.1) for r in shown], color=[colours[r.status] for r in shown],
            label="data age")
    ax.scatter([r.objective_minutes or 0.1 for r in shown], y, marker="|", s=200, color="black",
               label="objective", zorder=3)
    ax.set_yticks(y, [r.table.removeprefix("public.") for r in shown], fontsize=7)
    ax.set_xscale("log")
    ax.set_xlabel("minutes (log scale)")
    ax.set_title("Served tables: data age vs freshness objective")
    ax.invert_yaxis()
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100, format="png")
    plt.close(fig)
