// Userinfo escaping: `@`, `:`, `/`, `?`, `#` and `%` inside a user name or password must be
// percent-escaped; so must `&` in a secret option's value.
use mongo_auth::mongo_uri;

fn main() {
    // an unescaped `@` in the password: write it as %40
    let _ = mongo_uri!("mongodb://alice:p@ss@localhost");
    // a second `:`: write the one inside the password as %3A
    let _ = mongo_uri!("mongodb://alice:foo:bar@localhost");
    // `%` not followed by two hex digits: write it as %25
    let _ = mongo_uri!("mongodb://alice%zz:secret@localhost");
    // the same in the password: the message does not repeat the password's text
    let _ = mongo_uri!("mongodb://alice:s%zzret@localhost");
    // an unescaped `/`, `?` or `#` in the password (an `@` follows it): the message names the
    // character and quotes nothing of the string, which may all be the password
    let _ = mongo_uri!("mongodb://alice:foo/bar@localhost/db");
    let _ = mongo_uri!("mongodb://alice:foo?bar@localhost");
    let _ = mongo_uri!("mongodb://alice:foo#bar@localhost");
    // an `&` in a secret option's value cuts it: what follows is not quoted
    let _ = mongo_uri!("mongodb://localhost/?proxyHost=p&proxyUsername=u&proxyPassword=foo&bar");
}
