// MONGODB-AWS takes its credentials from the environment at run time: nothing secret to configure, and the source is `$external`.
use mongo_auth::Auth;

fn main() {
    let _ = Auth::aws().username("AKIAIOSFODNN7EXAMPLE");
    let _ = Auth::aws().password("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    let _ = Auth::aws().source("admin");
}
