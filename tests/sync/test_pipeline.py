"""A mart synced end to end on real engines (ClickHouse server, moto S3, SSH, PostgreSQL), and
every way a sync must refuse or fail while leaving the live table's rows and OID untouched."""

from __future__ import annotations

import pytest

from . import helpers as h

MART_COLUMNS = h.LEADERBOARD_COLUMNS


@pytest.fixture(scope="module")
def files(stack_env):
    from pathlib import Path

    return Path(stack_env["STIR_SYNC_LOCAL_DIR"])


@pytest.fixture(scope="module")
def seeded(ch, pg, stack_env):
    h.seed_accounts(pg, "generate_series(1, 3000, 2)")
    h.build_mart(ch, "mart_leaderboard", h.LEADERBOARD_CH, h.leaderboard_rows_sql(3000))


def sync(ch, s3, sshd, pg, files, mart="mart_leaderboard", table="leaderboard", fmt="typed",
         enrichment="instagram_account", **kw):
    info = h.export_mart(ch, s3, pg, mart, table, fmt, enrichment)
    path = h.download_via_ssh(sshd, info, files)
    return info, h.load_file(pg, info, path, table, enrichment, **kw)


@pytest.mark.parametrize("fmt", ["json", "typed"])
def test_leaderboard_end_to_end_equals_mart(ch, s3, sshd, pg, files, seeded, fmt):
    pg.execute("GRANT SELECT ON leaderboard TO stir_reader")
    info, result = sync(ch, s3, sshd, pg, files, fmt=fmt)
    assert info["rows"] == 3000 and result.rows == 3000
    assert h.pg_digest(pg, "leaderboard", MART_COLUMNS) == h.ch_digest(ch, "mart_leaderboard", MART_COLUMNS)
    # Tricky strings arrive byte for byte (the original's COPY text mangled these).
    got = {r[0] for r in pg.rows("SELECT DISTINCT category FROM leaderboard")}
    assert set(h.TRICKY) <= got
    # The enrichment join: odd pids have an instagram_account row, even ones do not.
    assert pg.rows("SELECT platform_profile_id, search_phrase, audience_gender FROM leaderboard "
                   "WHERE platform_id = 'pid_7'") == [("pid_7", "phrase 7", "female")]
    # YouTube rows never pick up an Instagram account, even with a matching id (pid_9 has one).
    assert pg.rows("SELECT platform_profile_id FROM leaderboard WHERE platform_id = 'pid_9'") == [(None,)]
    assert pg.rows("SELECT platform_profile_id FROM leaderboard WHERE platform_id = 'pid_8'") == [(None,)]
    assert pg.scalar("SELECT has_table_privilege('stir_reader', 'leaderboard', 'SELECT')")
    names = {r[0] for r in pg.rows("SELECT indexname FROM pg_indexes WHERE tablename = 'leaderboard'")}
    assert {"leaderboard_pkey", "leaderboard_month_platform_idx", "leaderboard_month_cat_rank_idx"} <= names


@pytest.mark.parametrize("fmt", ["json", "typed"])
def test_gzip_export_syncs_the_same_rows(ch, s3, sshd, pg, files, seeded, fmt):
    """STIR_SYNC_COMPRESSION=gzip: S3 holds a gzip object a fraction of the plain one's size, the
    PostgreSQL host keeps it compressed, COPY reads it through gzip -dc; same rows as the mart."""
    plain = h.export_mart(ch, s3, pg, "mart_leaderboard", "leaderboard", fmt, "instagram_account")
    info = h.export_mart(ch, s3, pg, "mart_leaderboard", "leaderboard", fmt, "instagram_account",
                         compression="gzip")
    (key,), (plain_key,) = info["keys"], plain["keys"]
    assert key.endswith(".gz") and info["rows"] == plain["rows"] == 3000
    head = s3.client.get_object(Bucket=info["bucket"], Key=key, Range="bytes=0-1")["Body"].read()
    assert head == b"\x1f\x8b"
    size = s3.client.head_object(Bucket=info["bucket"], Key=key)["ContentLength"]
    assert size * 3 < s3.client.head_object(Bucket=plain["bucket"], Key=plain_key)["ContentLength"]
    (path,) = h.download_via_ssh(sshd, info, files)
    assert path.endswith(".gz") and open(path, "rb").read(2) == b"\x1f\x8b"
    result = h.load_file(pg, info, path, "leaderboard", "instagram_account")
    assert result.rows == 3000
    assert h.pg_digest(pg, "leaderboard", MART_COLUMNS) == h.ch_digest(ch, "mart_leaderboard", MART_COLUMNS)


@pytest.mark.parametrize(("fmt", "compression"), [("typed", "none"), ("json", "gzip")])
def test_split_export_syncs_the_same_rows(ch, s3, sshd, pg, files, seeded, fmt, compression):
    """STIR_SYNC_ROWS_PER_FILE: a mart bigger than it is exported as several objects, each fetched
    by the one download command and COPYed in the load's one transaction: same rows as the mart."""
    info = h.export_mart(ch, s3, pg, "mart_leaderboard", "leaderboard", fmt, "instagram_account",
                         compression=compression, rows_per_file=700)
    assert len(info["keys"]) == 5 == len(set(info["keys"])) and sum(info["file_rows"]) == info["rows"] == 3000
    assert max(info["file_rows"]) <= 700
    for key, rows in zip(info["keys"], info["file_rows"], strict=True):
        assert key.endswith(".tsv" if fmt == "typed" else ".json.gz")
        body = s3.client.get_object(Bucket=info["bucket"], Key=key)["Body"].read()
        if compression == "gzip":
            import gzip

            body = gzip.decompress(body)
        assert body.count(b"\n") == rows
    paths = h.download_via_ssh(sshd, info, files)
    assert len(paths) == 5 and all(open(p, "rb").read(1) for p in paths)
    result = h.load_file(pg, info, paths, "leaderboard", "instagram_account")
    assert result.rows == 3000
    assert h.ch_digest(ch, "mart_leaderboard", MART_COLUMNS) == h.pg_digest(pg, "leaderboard", MART_COLUMNS)


@pytest.mark.parametrize(("fmt", "temp"), [("typed", "_stir_in"), ("json", "_stir_json")])
def test_enriched_split_load_holds_one_file_at_a_time(ch, s3, sshd, pg, files, seeded, fmt, temp):
    """An enriched or JSON load goes through its temp table file by file: after each file the temp
    table is empty on disk again, so the transaction holds the snapshot once plus one file (the 1M
    leaderboard did not fit a disk holding it twice), and the result is the one-shot load's."""
    from stir.sync import load, settings
    from stir.sync.names import TableNames

    info = h.export_mart(ch, s3, pg, "mart_leaderboard", "leaderboard", fmt, "instagram_account",
                         rows_per_file=1000)
    paths = h.download_via_ssh(sshd, info, files)
    conn = pg.connect()
    seen = []

    def progress(message: str) -> None:
        if message.startswith("loaded file"):
            with conn.cursor() as cur:  # the load's own session, between its statements
                cur.execute(f"SELECT pg_relation_size('{temp}'), count(*) FROM {temp}")
                seen.append((message, cur.fetchone()))

    request = load.LoadRequest(TableNames.parse("leaderboard"), tuple(paths), fmt, list(info["columns"]),
                               info["rows"], "instagram_account", 0.5, False)
    try:
        result = load.sync_table(conn, request, settings.current(), progress)
    finally:
        conn.close()
    assert seen == [(f"loaded file {n}/3 (1000 rows, {1000 * n} so far)", (0, 0)) for n in (1, 2, 3)]
    assert result.rows == 3000
    assert h.ch_digest(ch, "mart_leaderboard", MART_COLUMNS) == h.pg_digest(pg, "leaderboard", MART_COLUMNS)
    # every file's rows were joined: each Instagram row with an account row is enriched, no other
    expected = pg.scalar("SELECT count(*) FROM leaderboard l WHERE profile_platform = 'IA' AND EXISTS "
                         "(SELECT 1 FROM instagram_account a WHERE a.ig_id = l.platform_id)")
    assert expected == 1000  # odd pids of the Instagram two thirds
    assert pg.scalar("SELECT count(platform_profile_id) FROM leaderboard") == expected


def test_split_export_of_a_retried_run_counts_only_its_own_parts(ch, s3, sshd, pg, files, seeded):
    """A retry writes the same run's key again, split differently: the earlier attempt's parts stay
    in S3 but are neither counted nor fetched, so nothing is loaded twice."""
    from stir.sync import tasks

    target = h.target(s3, "leaderboard", "typed")
    conn = pg.connect(autocommit=False)
    try:
        first, again = (tasks.export_snapshot(ch, conn, target, mart="mart_leaderboard", table="leaderboard",
                                              fmt="typed", enrichment="instagram_account", rows_per_file=n)
                        for n in (700, 1000))
    finally:
        conn.close()
    assert (len(first["keys"]), len(again["keys"])) == (5, 3) and not set(first["keys"]) & set(again["keys"])
    assert first["rows"] == again["rows"] == 3000
    result = h.load_file(pg, again, h.download_via_ssh(sshd, again, files), "leaderboard", "instagram_account")
    assert result.rows == 3000


def test_shell_sync_of_a_split_export_publishes_the_whole_mart(ch, s3, pg, files, seeded, monkeypatch):
    """`stir sync run` (sync_now) with STIR_SYNC_ROWS_PER_FILE below the mart's size: three objects,
    each downloaded with its size check, COPYed one by one with progress, swapped in as one table."""
    from stir.sync.cli import sync_now

    monkeypatch.setenv("STIR_SYNC_ROWS_PER_FILE", "1000")
    monkeypatch.setenv("STIR_S3_ENDPOINT", s3.endpoint)
    said: list[str] = []
    steps = sync_now(ch, pg.dsn, mart="mart_leaderboard", table="leaderboard", enrich_name="instagram_account",
                     progress=said.append)
    assert [(step, rows) for step, rows, _ in steps][:3] == [("export", 3000), ("download", 3000), ("load+swap", 3000)]
    assert [m for m in said if m.startswith("loaded file")] == [
        f"loaded file {n}/3 (1000 rows, {1000 * n} so far)" for n in (1, 2, 3)]
    assert h.ch_digest(ch, "mart_leaderboard", MART_COLUMNS) == h.pg_digest(pg, "leaderboard", MART_COLUMNS)


def test_truncated_part_of_a_split_export_is_refused(ch, s3, sshd, pg, files, seeded):
    sync(ch, s3, sshd, pg, files)
    before = h.oid_and_count(pg, "leaderboard")
    info = h.export_mart(ch, s3, pg, "mart_leaderboard", "leaderboard", "typed", "instagram_account",
                         rows_per_file=1000)
    paths = h.download_via_ssh(sshd, info, files)
    lines = open(paths[1], "rb").read().split(b"\n")
    open(paths[1], "wb").write(b"\n".join(lines[: len(lines) // 2]) + b"\n")
    with pytest.raises(Exception, match="snapshot has 3000"):
        h.load_file(pg, info, paths, "leaderboard", "instagram_account")
    assert h.oid_and_count(pg, "leaderboard") == before


def test_truncated_gzip_export_is_refused(ch, s3, sshd, pg, files, seeded):
    sync(ch, s3, sshd, pg, files)
    before = h.oid_and_count(pg, "leaderboard")
    info = h.export_mart(ch, s3, pg, "mart_leaderboard", "leaderboard", "typed", "instagram_account",
                         compression="gzip")
    (path,) = h.download_via_ssh(sshd, info, files)
    data = open(path, "rb").read()
    open(path, "wb").write(data[: len(data) // 2])
    with pytest.raises(Exception, match="missing data|gzip -dc|snapshot has"):
        h.load_file(pg, info, path, "leaderboard", "instagram_account")
    assert h.oid_and_count(pg, "leaderboard") == before


def test_truncated_export_is_refused(ch, s3, sshd, pg, files, seeded):
    sync(ch, s3, sshd, pg, files)
    before = h.oid_and_count(pg, "leaderboard")
    for fmt in ("typed", "json"):
        info = h.export_mart(ch, s3, pg, "mart_leaderboard", "leaderboard", fmt, "instagram_account")
        (path,) = h.download_via_ssh(sshd, info, files)
        data = open(path, "rb").read()
        lines = data.split(b"\n")
        cuts = {"line boundary": b"\n".join(lines[: len(lines) * 2 // 5]) + b"\n",
                "mid-line": data[: len(data) // 2]}
        for what, content in cuts.items():
            open(path, "wb").write(content)
            with pytest.raises(Exception) as err:
                h.load_file(pg, info, path, "leaderboard", "instagram_account")
            if what == "line boundary":
                assert "snapshot has 3000" in str(err.value), str(err.value)
            assert h.oid_and_count(pg, "leaderboard") == before, (fmt, what)
    assert not [r for r in pg.rows("SELECT relname FROM pg_class WHERE relname LIKE 'leaderboard\\_\\_%'")]


def test_value_failing_its_cast_leaves_live_table(ch, s3, sshd, pg, files, seeded):
    pg.execute("CREATE TABLE IF NOT EXISTS narrow (k bigint PRIMARY KEY, v smallint)")
    pg.execute("INSERT INTO narrow VALUES (1, 1) ON CONFLICT DO NOTHING")
    h.build_mart(ch, "mart_narrow", "k Int64, v Int64", "SELECT number, number * 1000 FROM numbers(100)")
    before = h.oid_and_count(pg, "narrow")
    for fmt in ("typed", "json"):
        with pytest.raises(Exception, match="out of range"):
            sync(ch, s3, sshd, pg, files, "mart_narrow", "narrow", fmt, None)
        assert h.oid_and_count(pg, "narrow") == before


def test_empty_mart_is_refused(ch, s3, sshd, pg, files, seeded):
    from stir.sync.errors import SyncRefused

    sync(ch, s3, sshd, pg, files)
    before = h.oid_and_count(pg, "leaderboard")
    h.build_mart(ch, "mart_empty_lb", h.LEADERBOARD_CH, h.leaderboard_rows_sql(0))
    with pytest.raises(SyncRefused, match="empty"):
        sync(ch, s3, sshd, pg, files, mart="mart_empty_lb")
    assert h.oid_and_count(pg, "leaderboard") == before


def test_shrink_below_half_needs_override(ch, s3, sshd, pg, files, seeded):
    from stir.sync.errors import SyncRefused

    sync(ch, s3, sshd, pg, files)
    before = h.oid_and_count(pg, "leaderboard")
    h.build_mart(ch, "mart_small_lb", h.LEADERBOARD_CH, h.leaderboard_rows_sql(1000))
    with pytest.raises(SyncRefused, match="allow_shrink"):
        sync(ch, s3, sshd, pg, files, mart="mart_small_lb")
    assert h.oid_and_count(pg, "leaderboard") == before
    _, result = sync(ch, s3, sshd, pg, files, mart="mart_small_lb", allow_shrink=True)
    assert result.rows == 1000 and pg.scalar("SELECT count(*) FROM leaderboard") == 1000
    assert pg.scalar("SELECT count(*) FROM leaderboard_old_bkp") == 3000
