"""Airflow glue: the DAG factory, callbacks and task callables the thin files in dags/ declare.

Keep module-level imports light: the DAG processor imports this package for every DAG file.
"""
