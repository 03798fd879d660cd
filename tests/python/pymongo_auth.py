"""PyMongo against the conformance server: authenticate, run `ping` and `connectionStatus`, and check
who the server says is authenticated.

Usage: pymongo_auth.py CASES_JSON

CASES_JSON is a list of objects: {"name", "uri", "expect"} where "expect" is either
"user@db" (authentication must succeed and connectionStatus must list exactly that user) or
"auth-error" (the first command must fail with an authentication error, code 18).

Prints `pymongo <version>`, then one line per case: `ok <name> <users or error code>`. Exits non-zero
on the first case that does not behave as expected, printing PyMongo's error.
"""

import json
import sys

import pymongo
from pymongo import MongoClient
from pymongo.errors import OperationFailure


def run(case):
    client = MongoClient(case["uri"], serverSelectionTimeoutMS=10000, connectTimeoutMS=10000)
    try:
        try:
            ping = client.admin.command("ping")
        except OperationFailure as exc:
            if case["expect"] == "auth-error":
                if exc.code != 18:
                    raise AssertionError("expected code 18, got %r: %s" % (exc.code, exc))
                return "error-18"
            raise
        if case["expect"] == "auth-error":
            raise AssertionError("authentication succeeded but should have failed")
        if ping.get("ok") != 1:
            raise AssertionError("ping: %r" % (ping,))
        status = client.admin.command("connectionStatus")
        users = ["%s@%s" % (u["user"], u["db"]) for u in status["authInfo"]["authenticatedUsers"]]
        if users != [case["expect"]]:
            raise AssertionError("connectionStatus lists %r, expected %r" % (users, case["expect"]))
        return ",".join(users)
    finally:
        client.close()


def main():
    cases = json.loads(sys.argv[1])
    print("pymongo", pymongo.version, flush=True)
    for case in cases:
        try:
            outcome = run(case)
        except Exception as exc:  # report any failure with PyMongo's own words
            print("FAIL %s %s: %s" % (case["name"], type(exc).__name__, exc), flush=True)
            sys.exit(1)
        print("ok %s %s" % (case["name"], outcome), flush=True)


if __name__ == "__main__":
    main()
