"""# upload_profile_pics

Copies Instagram profile pictures to S3 for discovery cards and reports.

Schedule `0 0 * * *` UTC, dagrun timeout 90 min, one run at a time.

## Triage

Impact: media keeps being served from the CDN URL until copied; links may expire.

1. "all N asset copies failed": the media CDN (conn `media_cdn`) or S3 (conn `aws_gcc`) is down; the message has the first error.
2. Single failures are recorded in `_e.asset_upload_events` and retried (up to 3 times a week).
3. Safe to re-run: copied URLs are skipped and keys are content hashes.
"""

# The DAG processor imports the airflow.* modules a DAG file names into its parent process
# (parsing_pre_import_modules), so each parse of this file doesn't pay for them again.
import airflow.providers.standard.operators.python  # noqa: F401

from stir.airflow.assets import asset_dag

dag = asset_dag(
    dag_id="upload_profile_pics",
    schedule="0 0 * * *",
    timeout_minutes=90,
    doc_md=__doc__,
    specs=["profile_pictures"],
)
