"""PyMongo with its Kerberos extra (pymongo[gssapi]) against the conformance server's GSSAPI acceptor.

Usage: pymongo_gssapi.py PORT PRINCIPAL [CASE...]

Kerberos comes from the environment (KRB5_CONFIG, and KRB5CCNAME holding a ticket for PRINCIPAL).
Prints the PyMongo version, then one line per case: `ok <case> <authenticated users>`. Exits
non-zero on the first failure, with PyMongo's error.
"""

import sys
from urllib.parse import quote

import pymongo
from pymongo import MongoClient


def authenticated_users(uri):
    client = MongoClient(uri, serverSelectionTimeoutMS=20000, connectTimeoutMS=20000)
    try:
        client.admin.command("ping")
        status = client.admin.command("connectionStatus")
        return ["%s@%s" % (u["user"], u["db"]) for u in status["authInfo"]["authenticatedUsers"]]
    finally:
        client.close()


def main():
    port, principal = sys.argv[1:3]
    print("pymongo", pymongo.version, flush=True)
    import kerberos  # noqa: F401  (the extra's module: fail here, clearly, when it is missing)

    user = quote(principal, safe="")
    gssapi = "/?directConnection=true&authMechanism=GSSAPI"
    # SERVICE_REALM is left out: PyMongo documents it for Windows (winkerberos); on Unix it appends
    # "@REALM" to the host-based name it gives pykerberos, which MIT reads as part of the host.
    cases = [
        # The guide's first example: the principal, ticket from kinit, default service name.
        ("ticket-cache", "mongodb://%s@localhost:%s%s" % (user, port, gssapi)),
        (
            "service-name",
            "mongodb://%s@localhost:%s%s&authMechanismProperties=SERVICE_NAME:othersvc"
            % (user, port, gssapi),
        ),
        (
            "canonicalize-host-name",
            "mongodb://%s@127.0.0.1:%s%s&authMechanismProperties=CANONICALIZE_HOST_NAME:true"
            % (user, port, gssapi),
        ),
        (
            "service-host",
            "mongodb://%s@127.0.0.1:%s%s&authMechanismProperties=SERVICE_HOST:db.mongo-auth.test"
            % (user, port, gssapi),
        ),
    ]
    only = sys.argv[3:]
    for name, uri in cases:
        if only and name not in only:
            continue
        users = authenticated_users(uri)
        print("ok", name, ",".join(users), flush=True)


if __name__ == "__main__":
    main()
