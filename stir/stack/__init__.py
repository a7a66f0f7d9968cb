"""The embedded local stack: ClickHouse server, S3 (moto), PostgreSQL, sshd and the sidecar.

Every component runs as a detached process tracked by a pid file under $STIR_HOME/run/, so
`stir stack down` stops exactly what `stir stack up` started and nothing else.
"""
