#!/usr/bin/env bash
# Creates the virtualenvs the interop tests use, under target/py/:
#   current  PyMongo 4.x with its Kerberos and AWS extras (pymongo[gssapi,aws]: pykerberos is built
#            against the system's MIT krb5 headers, which scripts/test-all.sh installs first;
#            pymongo-auth-aws signs MONGODB-AWS with botocore; MONGODB-OIDC needs no extra:
#            PyMongo 4.7+ reads OIDC_TOKEN_FILE for ENVIRONMENT:test itself)
#   legacy   PyMongo 3.x, the last line with MONGODB-CR
# Point MONGO_AUTH_PYTHON / MONGO_AUTH_PYTHON_LEGACY at target/py/{current,legacy}/bin/python.
set -euo pipefail
cd "$(dirname "$0")/.."

mk() {
  local dir=$1; shift
  if [ ! -x "$dir/bin/python" ]; then python3 -m venv "$dir"; fi
  "$dir/bin/python" -m pip install -q --disable-pip-version-check "$@"
}

if ! mk target/py/current "pymongo[gssapi,aws]>=4,<5"; then
  # Without krb5 headers or a C compiler the extra cannot build; the SCRAM/PLAIN/X509 interop tests
  # still run, and the GSSAPI interop test reports the missing `kerberos` module.
  echo "warning: pymongo[gssapi] did not install (is libkrb5-dev installed?); installing pymongo alone" >&2
  mk target/py/current "pymongo[aws]>=4,<5"
fi
mk target/py/legacy "pymongo>=3.12,<4"

for dir in current legacy; do
  printf '%-8s %s\n' "$dir" "$(target/py/$dir/bin/python -c 'import pymongo; print("pymongo", pymongo.version)')"
done
