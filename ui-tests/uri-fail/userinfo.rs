// Userinfo escaping: `@`, `:`, `/` and `%` inside a user name or password must be percent-escaped.
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
    // an unescaped `/` in the password cuts the string early: write it as %2F
    let _ = mongo_uri!("mongodb://alice:foo/bar@localhost/db");
}
