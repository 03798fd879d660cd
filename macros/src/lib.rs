//! `mongo-auth-macros`: the `mongo_uri!` macro, re-exported as `mongo_auth::mongo_uri`.
#![forbid(unsafe_code)]
