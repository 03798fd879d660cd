"""PyMongo against the conformance server over TLS: MONGODB-X509 with a client certificate (with and
without the subject as user name, and with an encrypted PKCS#8 key) and PLAIN.

Usage: pymongo_tls.py PORT CA_FILE CLIENT_PEM SUBJECT ENCRYPTED_PEM KEY_PASSWORD PLAIN_USER PLAIN_PASSWORD

Prints the PyMongo version, then one line per case: `ok <case> <authenticated users>`. Exits non-zero
on the first failure, with PyMongo's error.
"""

import sys
from urllib.parse import quote, quote_plus

import pymongo
from pymongo import MongoClient


def authenticated_users(uri):
    client = MongoClient(uri, serverSelectionTimeoutMS=20000, connectTimeoutMS=20000)
    try:
        client.admin.command("ping")
        status = client.admin.command("connectionStatus")
        return [
            "%s@%s" % (u["user"], u["db"]) for u in status["authInfo"]["authenticatedUsers"]
        ]
    finally:
        client.close()


def main():
    port, ca, client_pem, subject, encrypted_pem, key_password, plain_user, plain_password = sys.argv[1:9]
    print("pymongo", pymongo.version, flush=True)
    def uri(userinfo, options):
        return (
            "mongodb://" + userinfo + "127.0.0.1:" + port
            + "/?directConnection=true&tls=true&tlsCAFile=" + quote_plus(ca) + options
        )

    x509 = "&authMechanism=MONGODB-X509"
    cases = [
        ("x509", uri("", "&tlsCertificateKeyFile=" + quote_plus(client_pem) + x509)),
        (
            "x509-with-user",
            uri(quote(subject, safe="") + "@", "&tlsCertificateKeyFile=" + quote_plus(client_pem) + x509),
        ),
        (
            "x509-encrypted-key",
            uri(
                "",
                "&tlsCertificateKeyFile=" + quote_plus(encrypted_pem)
                + "&tlsCertificateKeyFilePassword=" + quote_plus(key_password) + x509,
            ),
        ),
        (
            "plain",
            uri(
                quote(plain_user, safe="") + ":" + quote(plain_password, safe="") + "@",
                "&authMechanism=PLAIN&authSource=%24external",
            ),
        ),
    ]
    expected = {
        "x509": subject + "@$external",
        "x509-with-user": subject + "@$external",
        "x509-encrypted-key": subject + "@$external",
        "plain": plain_user + "@$external",
    }
    for name, uri in cases:
        try:
            users = authenticated_users(uri)
        except Exception as e:  # report which case failed and why
            print("FAILED %s: %s: %s" % (name, type(e).__name__, e), flush=True)
            return 1
        if users != [expected[name]]:
            print("FAILED %s: authenticated as %r, expected %r" % (name, users, expected[name]), flush=True)
            return 1
        print("ok %s %s" % (name, ",".join(users)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
