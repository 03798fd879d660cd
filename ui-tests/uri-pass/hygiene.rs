// The expansion names everything by absolute path: local items called `core`, `std`, `Option` or
// `mongo_auth`, and a module without the prelude, change nothing.
#![no_implicit_prelude]

mod core {}
mod std {}

#[allow(dead_code)]
enum Option {
    Some,
    None,
}

mod inner {
    #[allow(dead_code)]
    mod mongo_auth {}

    pub(crate) fn configs() -> (::mongo_auth::ClientConfig, ::mongo_auth::ClientConfig) {
        let complete = ::mongo_auth::mongo_uri!(
            "mongodb://user:password@example.com/?authMechanism=SCRAM-SHA-256&tls=true&tlsCAFile=ca.pem"
        );
        let from_code = ::mongo_auth::mongo_uri!("mongodb+srv://app@cluster0.example.com/shop")
            .password("pencil")
            .build()
            .unwrap();
        (complete, from_code)
    }
}

pub(crate) fn main() {
    let (complete, from_code) = inner::configs();
    ::std::assert!(complete.tls().is_some());
    ::std::assert!(from_code.is_srv() && from_code.tls().is_some());
    ::std::assert_eq!(from_code.credential().unwrap().source, "shop");
}
