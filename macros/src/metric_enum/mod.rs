//! `#[metric_enum]`: parse → check → expand. On error the enum is still
//! emitted, with stub impls, so uses of it compile and only the mistake is
//! reported.

mod args;
mod check;
mod expand;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use self::args::EnumArgs;
use self::check::EnumSpec;
use crate::ctxt::Ctxt;

/// Entry point of the attribute.
pub(crate) fn metric_enum(args: TokenStream, item: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let args = EnumArgs::parse(&cx, args);
    let krate = match args.krate.get() {
        Some(path) => quote!(#path),
        None => quote!(::vitals),
    };
    let (output, ident) = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Enum(mut item)) => {
            let variants = check::check_variants(&cx, &args, &mut item);
            let state = check::check_state(&cx, &args, &item);
            let spec = EnumSpec { variants, state };
            let impls = expand::expand(&item.ident, &spec, &krate);
            // A generic enum cannot be named without its parameters: no stub.
            let stub_ok = item.generics.params.is_empty();
            let state = spec.state.is_some() || args.state.get().is_some();
            (
                quote!(#item),
                Some((item.ident, impls, state && stub_ok, stub_ok)),
            )
        }
        Ok(other) => {
            cx.error_spanned_by(
                crate::fallback::item_head(&other),
                "`#[metric_enum]` expected an enum",
            );
            (other.into_token_stream(), None)
        }
        Err(error) => {
            cx.syn_error(error);
            (item, None)
        }
    };
    match cx.check() {
        Ok(()) => {
            let impls = ident.map(|(_, impls, _, _)| impls);
            quote!(#output #impls)
        }
        Err(errors) => {
            let errors = errors.to_compile_error();
            let stub = ident
                .filter(|(_, _, _, stub_ok)| *stub_ok)
                .map(|(ident, _, state, _)| expand::stub(&ident, state, &krate));
            quote!(#errors #output #stub)
        }
    }
}
