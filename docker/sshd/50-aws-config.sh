#!/usr/bin/with-contenv sh
# linuxserver custom init: SSH sessions don't see the container's environment, so give the
# login user an AWS CLI profile pointing at MinIO (what an instance profile is on the real host).
set -eu
mkdir -p /config/.aws
cat > /config/.aws/credentials <<CREDS
[default]
aws_access_key_id = ${MINIO_ROOT_USER}
aws_secret_access_key = ${MINIO_ROOT_PASSWORD}
CREDS
cat > /config/.aws/config <<CONF
[default]
region = ${STIR_S3_REGION}
endpoint_url = ${STIR_S3_ENDPOINT}
CONF
chown -R "${PUID:-1000}:${PGID:-1000}" /config/.aws
chmod 600 /config/.aws/credentials

# The import volume is shared with the PostgreSQL container: the login user writes the
# downloaded files, the postgres server process (another uid) reads them for COPY.
mkdir -p "${STIR_PG_IMPORT_DIR}"
chmod 1777 "${STIR_PG_IMPORT_DIR}"
