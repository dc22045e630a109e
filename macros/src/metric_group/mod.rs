//! `#[metric_group]`: parse → check → expand. A group whose arguments are
//! wrong still expands to its struct and methods, so uses of it compile and
//! only the mistake is reported.

pub(crate) mod args;
mod check;
mod expand;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use self::args::{FieldArgs, GroupArgs};
use crate::ctxt::Ctxt;

/// Entry point of the attribute.
pub(crate) fn metric_group(args: TokenStream, item: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let args = GroupArgs::parse(&cx, args);
    let output = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Struct(item)) => group(&cx, &args, item),
        Ok(other) => {
            cx.error_spanned_by(
                crate::fallback::item_head(&other),
                "`#[metric_group]` expected a struct with named fields, one per metric",
            );
            other.into_token_stream()
        }
        Err(error) => {
            cx.syn_error(error);
            item
        }
    };
    crate::fallback::with_errors(cx, output)
}

fn group(cx: &Ctxt, args: &GroupArgs, mut item: syn::ItemStruct) -> TokenStream {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        cx.error_spanned_by(
            &item.generics,
            "`#[metric_group]` expected a struct without generics",
        );
        item.generics = syn::Generics::default();
    }
    let syn::Fields::Named(fields) = &mut item.fields else {
        cx.error_spanned_by(
            &item.ident,
            "`#[metric_group]` expected a struct with named fields, one per metric",
        );
        return item.into_token_stream();
    };
    let prefix = check::check_prefix(cx, args);
    let mut specs = Vec::new();
    for field in &mut fields.named {
        let field_args = FieldArgs::take(cx, &mut field.attrs);
        specs.extend(check::check_field(cx, prefix.as_deref(), field, field_args));
    }
    let krate = match args.krate.get() {
        Some(path) => quote!(#path),
        None => quote!(::vitals),
    };
    expand::expand(&item, &specs, &krate)
}
