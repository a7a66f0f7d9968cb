"""StirDAG: airflow.sdk.DAG whose `test()` runs without its deadline alerts.

Airflow 3.3.2's dag.test() (and so `airflow dags test`) cannot finish a run of a DAG that
has a DeadlineAlert: DagRun.update_state looks the in-memory alerts up as database ids and
fails ('dict' object has no attribute 'hex'). A test run has no scheduler to fire a
deadline anyway, so test() drops them for its duration; scheduled runs keep them.
STIR_DEADLINE_ALERTS=off (stir/airflow/callbacks.py) removes them at parse time instead.
"""

from __future__ import annotations

from airflow.sdk import DAG


class StirDAG(DAG):
    def test(self, *args, **kwargs):
        saved = self.deadline
        self.deadline = None
        try:
            return super().test(*args, **kwargs)
        finally:
            self.deadline = saved
