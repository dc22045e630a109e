//! What every macro emits when its input is wrong: the original item, so
//! the rest of the program still sees it, after the errors.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::ctxt::Ctxt;

/// The output, preceded by every error collected in `cx`.
pub(crate) fn with_errors(cx: Ctxt, output: TokenStream) -> TokenStream {
    match cx.check() {
        Ok(()) => output,
        Err(errors) => {
            let errors = errors.to_compile_error();
            quote!(#errors #output)
        }
    }
}

/// The tokens an item error points at: its name where it has one.
pub(crate) fn item_head(item: &syn::Item) -> TokenStream {
    match item {
        syn::Item::Struct(item) => item.ident.to_token_stream(),
        syn::Item::Enum(item) => item.ident.to_token_stream(),
        syn::Item::Union(item) => item.ident.to_token_stream(),
        syn::Item::Const(item) => item.ident.to_token_stream(),
        syn::Item::Static(item) => item.ident.to_token_stream(),
        syn::Item::Type(item) => item.ident.to_token_stream(),
        syn::Item::Mod(item) => item.ident.to_token_stream(),
        syn::Item::Fn(item) => item.sig.ident.to_token_stream(),
        syn::Item::Trait(item) => item.ident.to_token_stream(),
        syn::Item::Use(item) => item.use_token.to_token_stream(),
        other => other.to_token_stream(),
    }
}
