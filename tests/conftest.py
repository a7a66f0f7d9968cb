"""Session-wide defaults for every suite.

Servers the tests start themselves run like a fresh ClickHouse install: user `default`,
empty password. The dbt profile and the stack default to the embedded stack's local
password, so the clients of those servers must be told it is empty. Suites that test
authentication, and the stack/e2e suites (which strip inherited STIR_* settings), set
their own.
"""

import os

os.environ["STIR_CH_USER"] = "default"
os.environ["STIR_CH_PASSWORD"] = ""
