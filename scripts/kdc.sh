#!/usr/bin/env bash
# A throwaway MIT Kerberos setup for the GSSAPI tests: two realms served by one krb5kdc bound to
# 127.0.0.1 on an unprivileged port, all state in one directory.
#
#   scripts/kdc.sh start <dir> [port]   create the realms in <dir>, start krb5kdc (pid in <dir>/krb5kdc.pid),
#                                       write <dir>/env (shell exports) and print it
#   scripts/kdc.sh stop <dir>           stop the krb5kdc of <dir> by its pid
#   scripts/kdc.sh run <dir> [port]     start, print the env lines then `ready`; when stdin closes, stop
#                                       and remove <dir>
#                                       (the tests' fixture: the KDC dies with the test process)
#
# Realms:
#   MONGO-AUTH.TEST           users and services: mongodbuser (password in <dir>/user.password),
#                             shortlived (tickets last 2 s; same password), mongodb/localhost,
#                             othersvc/localhost, mongodb/db.mongo-auth.test, and the cross-realm
#                             krbtgt/SERVICES.MONGO-AUTH.TEST
#   SERVICES.MONGO-AUTH.TEST  a service realm that trusts the first: mongodb/localhost and the same
#                             cross-realm krbtgt
# Every service key is in <dir>/mongodb.keytab (KRB5_KTNAME). Needs the Debian packages krb5-kdc,
# krb5-admin-server and krb5-user.
set -euo pipefail

realm=MONGO-AUTH.TEST
service_realm=SERVICES.MONGO-AUTH.TEST

die() { echo "kdc.sh: $*" >&2; exit 1; }

tool() {
  local name=$1
  for d in /usr/sbin /usr/bin /sbin /bin; do
    if [ -x "$d/$name" ]; then echo "$d/$name"; return; fi
  done
  command -v "$name" 2>/dev/null || die "$name not found (install the Debian packages krb5-kdc krb5-admin-server krb5-user)"
}

free_port() {
  # A port free for both TCP and UDP on 127.0.0.1.
  python3 - <<'EOF'
import socket
while True:
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close()
        continue
    print(port)
    break
EOF
}

random_secret() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }

setup() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ -e "$dir/kdc.conf" ] && die "$dir already holds a realm (stop it and use a fresh directory)"
  local kdb5_util kadmin
  kdb5_util=$(tool kdb5_util)
  kadmin=$(tool kadmin.local)
  mkdir -p "$dir/db-user" "$dir/db-service" "$dir/rcache"

  cat >"$dir/krb5.conf" <<EOF
[libdefaults]
    default_realm = $realm
    dns_lookup_kdc = false
    dns_lookup_realm = false
    dns_canonicalize_hostname = false
    rdns = false
    forwardable = true
    udp_preference_limit = 1
    # One second of tolerated clock skew (default 300): the KDC, the client and the acceptor share
    # this machine's clock, and an expired ticket is refused one second after its end, not five
    # minutes.
    clockskew = 1

[realms]
    $realm = {
        kdc = 127.0.0.1:$port
    }
    $service_realm = {
        kdc = 127.0.0.1:$port
    }

[capaths]
    $realm = {
        $service_realm = .
    }
    $service_realm = {
        $realm = .
    }
EOF

  cat >"$dir/kdc.conf" <<EOF
[kdcdefaults]
    kdc_listen = 127.0.0.1:$port
    kdc_tcp_listen = 127.0.0.1:$port

[realms]
    $realm = {
        database_name = $dir/db-user/principal
        key_stash_file = $dir/db-user/stash
        acl_file = $dir/kadm5.acl
        max_life = 10h
        max_renewable_life = 1d
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }
    $service_realm = {
        database_name = $dir/db-service/principal
        key_stash_file = $dir/db-service/stash
        acl_file = $dir/kadm5.acl
        max_life = 10h
        max_renewable_life = 1d
        supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
    }

[logging]
    kdc = FILE:$dir/krb5kdc.log
    admin_server = FILE:$dir/kadmin.log
    default = FILE:$dir/krb5lib.log
EOF
  : >"$dir/kadm5.acl"

  export KRB5_CONFIG="$dir/krb5.conf" KRB5_KDC_PROFILE="$dir/kdc.conf"
  local password cross
  password=$(random_secret)
  cross=$(random_secret)
  umask 077
  printf '%s' "$password" >"$dir/user.password"

  "$kdb5_util" -r "$realm" create -s -P "$(random_secret)" >/dev/null
  "$kdb5_util" -r "$service_realm" create -s -P "$(random_secret)" >/dev/null

  "$kadmin" -r "$realm" >"$dir/setup.log" 2>&1 <<EOF
addprinc -pw $password mongodbuser
addprinc -pw $password -maxlife "2 seconds" shortlived
addprinc -randkey mongodb/localhost
addprinc -randkey othersvc/localhost
addprinc -randkey mongodb/db.mongo-auth.test
addprinc -pw $cross krbtgt/$service_realm@$realm
ktadd -k $dir/mongodb.keytab mongodb/localhost othersvc/localhost mongodb/db.mongo-auth.test
EOF
  "$kadmin" -r "$service_realm" >>"$dir/setup.log" 2>&1 <<EOF
addprinc -randkey mongodb/localhost@$service_realm
addprinc -pw $cross krbtgt/$service_realm@$realm
ktadd -k $dir/mongodb.keytab mongodb/localhost@$service_realm
EOF
  [ "$(grep -c '^Entry for principal' "$dir/setup.log")" -ge 8 ] \
    || die "kadmin.local did not write every key to $dir/mongodb.keytab (see $dir/setup.log)"
  sed -i 's/-pw [^ ]*/-pw <redacted>/' "$dir/setup.log"

  cat >"$dir/env" <<EOF
export KRB5_CONFIG=$dir/krb5.conf
export KRB5_KDC_PROFILE=$dir/kdc.conf
export KRB5CCNAME=FILE:$dir/ccache
export KRB5_KTNAME=FILE:$dir/mongodb.keytab
export KRB5RCACHEDIR=$dir/rcache
export MONGO_AUTH_KRB5_REALM=$realm
export MONGO_AUTH_KRB5_SERVICE_REALM=$service_realm
export MONGO_AUTH_KRB5_USER=mongodbuser@$realm
export MONGO_AUTH_KRB5_PASSWORD_FILE=$dir/user.password
export MONGO_AUTH_KRB5_KDC_PORT=$port
EOF
  echo "$dir"
}

start_kdc() {
  # krb5kdc binds its sockets before it daemonizes, so once this returns the KDC answers; the
  # daemonized child writes the pid file a moment later.
  local dir=$1 krb5kdc i
  krb5kdc=$(tool krb5kdc)
  KRB5_CONFIG="$dir/krb5.conf" KRB5_KDC_PROFILE="$dir/kdc.conf" \
    "$krb5kdc" -r "$realm" -r "$service_realm" -P "$dir/krb5kdc.pid" \
    || die "krb5kdc failed to start (see $dir/krb5kdc.log)"
  for i in $(seq 500); do
    [ -s "$dir/krb5kdc.pid" ] && return 0
    sleep 0.01
  done
  die "krb5kdc wrote no pid file (see $dir/krb5kdc.log)"
}

stop_kdc() {
  local dir=$1 pid
  [ -s "$dir/krb5kdc.pid" ] || return 0
  pid=$(cat "$dir/krb5kdc.pid")
  kill "$pid" 2>/dev/null || true
  rm -f "$dir/krb5kdc.pid"
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: kdc.sh start|stop|run <dir> [port]"
case "$cmd" in
  start)
    dir=$(setup "$dir" "${3:-$(free_port)}")
    start_kdc "$dir"
    cat "$dir/env"
    ;;
  run)
    dir=$(setup "$dir" "${3:-$(free_port)}")
    start_kdc "$dir"
    trap 'stop_kdc "$dir"; rm -rf "$dir"' EXIT
    cat "$dir/env"
    echo ready
    cat >/dev/null
    ;;
  stop)
    stop_kdc "$dir"
    ;;
  *) die "unknown command $cmd (expected start, stop or run)" ;;
esac
