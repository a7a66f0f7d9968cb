"""Airflow local settings of the embedded stack: copied to $AIRFLOW_HOME/config/ by the stack,
where every Airflow process (CLI, scheduler, DAG processor, API server, task) imports it at
start-up (airflow.settings.import_local_settings), before any DAG or provider code runs.

Python's cyclic GC: the default thresholds (700, 10, 10) start a young collection every 700
net allocations, and a full one, over every live object, each time the heap grew by a quarter.
An Airflow process builds ~0.8 M long-lived objects while importing Airflow, the API app's
versioned routes and dbt, so that start-up ran dozens of collections that found almost nothing:
~2 s of CPU of a ~10 s `airflow tasks test` of a dbt tier task (py-spy; 1.4-1.7 s less
measured with these thresholds). 50,000 young objects per collection keeps cyclic garbage
bounded (a few MB) while start-up runs a few collections instead of thousands.

At exit, Python runs full collections over everything still alive before it frees the heap:
2-3 s of an `airflow tasks test` of a no-op task on 2 cores. A CLI process (`tasks test`,
`dags test`) freezes its heap at exit instead, so they are skipped; the OS frees the memory.
(Task processes on an executor leave through os._exit and never run atexit hooks.)
"""

import atexit
import gc

# Nothing here is an Airflow setting or policy: Airflow copies the module's public names
# into airflow.settings unless __all__ lists them.
__all__: list[str] = []

gc.set_threshold(50_000, 20, 10)
atexit.register(gc.freeze)
