"""Unit tests of the demo's run driver (stir.demo_runs) with a fake REST client: the order of
the triggers, waiting for each run, the stop at the first failure and what it reports."""

from pathlib import Path

from stir.demo_runs import airflow_log_path, run_duration, run_in_order


class FakeApi:
    """Records calls; runs of the DAGs in `fail` end failed with a failed and an upstream_failed task."""

    def __init__(self, fail=()):
        self.calls, self.fail = [], set(fail)

    def wait_for_dag(self, dag_id):
        self.calls.append(("parsed", dag_id))

    def set_paused(self, dag_id, paused):
        self.calls.append(("paused", dag_id, paused))

    def trigger(self, dag_id):
        self.calls.append(("trigger", dag_id))
        return f"manual__{dag_id}"

    def wait(self, dag_id, run_id, timeout, interval):
        self.calls.append(("wait", dag_id))
        state = "failed" if dag_id in self.fail else "success"
        return {"state": state, "start_date": "2026-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:42.5Z"}

    def task_instances(self, dag_id, run_id):
        return [{"task_id": "vacuum", "state": "upstream_failed", "try_number": 0, "map_index": -1},
                {"task_id": "load", "state": "failed", "try_number": 2, "map_index": -1}]

    def task_log(self, dag_id, run_id, task_id, try_number, map_index):
        return "\n".join(f"line {i}" for i in range(100)) + f"\nboom in {task_id}"


def test_runs_in_order_each_unpaused_then_triggered_then_waited():
    api = FakeApi()
    results = run_in_order(api, ["dbt_core", "sync_a", "sync_b"], Path("/logs"))
    assert [r.state for r in results] == ["success"] * 3
    assert [r.duration_s for r in results] == [42.5] * 3
    expected = []
    for dag in ("dbt_core", "sync_a", "sync_b"):
        expected += [("parsed", dag), ("paused", dag, False), ("trigger", dag), ("wait", dag)]
    assert api.calls == expected


def test_failure_stops_and_names_dag_task_and_log_path():
    api = FakeApi(fail={"sync_a"})
    results = run_in_order(api, ["dbt_core", "sync_a", "sync_b"], Path("/logs"))
    assert [r.dag_id for r in results] == ["dbt_core", "sync_a"]
    assert ("trigger", "sync_b") not in api.calls
    failed = results[-1]
    assert failed.failed_task == "load"
    assert failed.log_path == Path("/logs/dag_id=sync_a/run_id=manual__sync_a/task_id=load/attempt=2.log")
    assert failed.log_tail.endswith("boom in load")
    assert len(failed.log_tail.splitlines()) == 40


def test_duration_prefers_the_api_field_and_log_path_of_a_mapped_task():
    assert run_duration({"duration": 3.25, "start_date": None}) == 3.25
    assert run_duration({"start_date": "2026-01-01T00:00:00+00:00", "end_date": None}) is None
    ti = {"dag_id": "d", "dag_run_id": "r", "task_id": "t", "map_index": 3, "try_number": 1}
    assert airflow_log_path(Path("/l"), ti) == Path("/l/dag_id=d/run_id=r/task_id=t/map_index=3/attempt=1.log")
