"""Pure functions: names, type mapping, guards, export SQL, index-definition handling."""

from __future__ import annotations

import dataclasses

import pytest

from stir.sync import chtypes, export, pgmeta, rollback, swap
from stir.sync.errors import SyncRefused
from stir.sync.names import TableNames


def test_leftover_names_never_match_live_or_backup():
    n = TableNames("public", "leaderboard")
    assert n.is_leftover(n.staging("0a1b2c3d")) and n.is_leftover(n.retired("0a1b2c3d"))
    assert not n.is_leftover("leaderboard") and not n.is_leftover(n.backup)
    assert not n.is_leftover("leaderboard_x__new_0a1b2c3d")
    with pytest.raises(ValueError):
        TableNames("public", "Robert'); drop")


@pytest.mark.parametrize("ch_type,pg_type", [
    ("UInt64", "numeric(20,0)"), ("Nullable(Int64)", "bigint"), ("LowCardinality(String)", "text"),
    ("Map(String, UInt64)", "jsonb"), ("Array(String)", "text[]"), ("Array(Array(Int8))", "jsonb"),
    ("DateTime('UTC')", "timestamp"), ("DateTime64(3, 'UTC')", "timestamp(3)"), ("Decimal(18, 4)", "numeric(18,4)"),
    ("Float32", "real"), ("Bool", "boolean"), ("Date32", "date"), ("UUID", "uuid"),
])
def test_type_mapping_and_compatibility(ch_type, pg_type):
    assert chtypes.pg_type_for(ch_type) == pg_type
    assert chtypes.compatible(pg_type, ch_type)


def test_incompatible_types_are_caught():
    assert not chtypes.compatible("bigint", "UInt64")
    assert not chtypes.compatible("integer", "Int64")
    assert not chtypes.compatible("date", "String")


def test_guards():
    n = TableNames("public", "t")
    swap.check_guards(n, swap.Guards(100), 100, 150)
    with pytest.raises(SyncRefused, match="snapshot has 100"):
        swap.check_guards(n, swap.Guards(100), 40, 100)
    with pytest.raises(SyncRefused, match="empty"):
        swap.check_guards(n, swap.Guards(0), 0, 100)
    with pytest.raises(SyncRefused, match="allow_shrink"):
        swap.check_guards(n, swap.Guards(49), 49, 100)
    swap.check_guards(n, swap.Guards(49, allow_shrink=True), 49, 100)


def test_export_sql_hides_nothing_but_redacts_secrets():
    target = export.S3Target("b", "k/x.tsv", "AKID", "s3cr'et", "http://127.0.0.1:9000")
    cols = [export.Column("m", "jsonb", "Map(String, UInt64)"), export.Column("a", "text[]", "Array(String)")]
    sql = export.export_sql(target, "mart_x", cols, "typed", "m != map()")
    assert "toJSONString(m)" in sql and "s3_truncate_on_insert=1" in sql and "WHERE m != map()" in sql
    assert "'s3cr\\'et'" in sql
    assert "s3cr" not in target.redact(sql) and "AKID" not in target.redact(sql)


def test_big_exports_are_split_into_numbered_parts():
    assert [export.file_count(n, 1000) for n in (None, 0, 1, 1000, 1001, 10**9)] == [1, 1, 1, 1, 2, export.MAX_FILES]
    assert export.file_count(10**9, 0) == 1
    assert export.part_key("p/t/run.x.tsv", "typed", export.PART) == "p/t/run.x.{_partition_id}.tsv"
    assert export.part_key("p/t/run.json.gz", "json", "ab-{0..3}") == "p/t/run.ab-{0..3}.json.gz"
    with pytest.raises(ValueError, match="does not end with"):
        export.part_key("p/t/run.tsv", "json", "1")
    target = export.S3Target("b", export.part_key("k/x.tsv", "typed", export.PART), "AKID", "s", "http://h:1")
    cols = [export.Column("a", "text", "String")]
    sql = export.export_sql(target, "mart_x", cols, "typed", files=4)
    assert "x.{_partition_id}.tsv" in sql and "PARTITION BY rowNumberInAllBlocks() % 4 SELECT" in sql
    assert "max_partitions_per_insert_block=4" in sql
    assert "PARTITION BY" not in export.export_sql(target, "mart_x", cols, "typed")


def test_download_command_fetches_every_part():
    from stir.sync import settings, tasks

    s = settings.current()
    keys, paths = ["p/t/r.a-0.tsv", "p/t/r.a-1.tsv"], ["/d/t/r.a-0.tsv", "/d/t/r.a-1.tsv"]
    cmd = tasks.download_command(s, "bkt", keys, paths)
    assert cmd.count("--key ") == 2 and cmd.index("r.a-0.tsv --dest /d/t/r.a-0.tsv") < cmd.index("a-1.tsv --dest")
    aws = tasks.download_command(dataclasses.replace(s, downloader="aws"), "bkt", keys, paths)
    assert aws.count("aws s3 cp") == 2 and "mv /d/t/r.a-1.tsv.part /d/t/r.a-1.tsv" in aws
    with pytest.raises(ValueError, match="2 objects for 1 files"):
        tasks.download_command(s, "bkt", keys, paths[:1])
    assert tasks.local_paths(dataclasses.replace(s, local_dir="/d/"), "t", keys) == paths


def test_fetch_wants_one_dest_per_key(capsys):
    from stir.sync import fetch

    with pytest.raises(SystemExit):
        fetch.main(["--bucket", "b", "--key", "k1", "--key", "k2", "--dest", "/tmp/x"])
    assert "2 --key for 1 --dest" in capsys.readouterr().err


def test_index_definitions_are_recreated_and_matched_by_shape():
    live = [pgmeta.Index("t_pkey", "CREATE UNIQUE INDEX t_pkey ON public.t USING btree (k)", "t_pkey", "p",
                         "PRIMARY KEY (k)"),
            pgmeta.Index("t_v_idx", "CREATE INDEX t_v_idx ON public.t USING btree (v) WHERE (v > 0)", None, None,
                         None)]
    assert live[1].create_on("public", "t__new_1", "t_1_1") == \
        "CREATE INDEX t_1_1 ON public.t__new_1 USING btree (v) WHERE (v > 0)"
    assert live[0].create_on("public", "s", "x") == "ALTER TABLE public.s ADD CONSTRAINT x PRIMARY KEY (k)"
    backup = [pgmeta.Index("t_9_b1", "CREATE INDEX t_9_b1 ON public.t_old_bkp USING btree (v) WHERE (v > 0)",
                           None, None, None),
              pgmeta.Index("t_9_b0", "CREATE UNIQUE INDEX t_9_b0 ON public.t_old_bkp USING btree (k)", "t_9_b0",
                           "p", "PRIMARY KEY (k)")]
    assert sorted(rollback.index_renames(live, backup)) == [("t_9_b0", "t_pkey"), ("t_9_b1", "t_v_idx")]


def test_compression_names_the_file_and_how_copy_reads_it():
    from stir.sync import load

    assert export.file_name("run1", "typed") == "run1.tsv"
    assert export.file_name("run1", "json", "gzip") == "run1.json.gz"
    with pytest.raises(ValueError, match="STIR_SYNC_COMPRESSION"):
        export.file_name("run1", "typed", "zstd")
    assert load.copy_source("/tmp/it's.tsv") == "'/tmp/it''s.tsv'"
    # The path is quoted for the shell inside the SQL literal: no way out of either.
    assert load.copy_source("/tmp/a b;rm -rf x'.tsv.gz") == \
        "PROGRAM 'gzip -dc -- ''/tmp/a b;rm -rf x''\"''\"''.tsv.gz'''"
