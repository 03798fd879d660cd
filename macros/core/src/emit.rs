//! The expression a valid literal expands to.

use proc_macro2::TokenStream;

use crate::Accepted;

pub(crate) fn config(accepted: &Accepted) -> TokenStream {
    let _ = accepted;
    quote::quote!(::core::compile_error!(
        "mongo_uri! expansion is not implemented yet"
    ))
}
