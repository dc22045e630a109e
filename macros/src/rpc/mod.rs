//! `#[instrument_rpc]`: parse → check → expand, with a fallback that keeps
//! the item compiling when the attribute is wrong.

mod args;
mod check;
mod expand;
mod target;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use self::args::RpcArgs;
use self::check::{Place, check_args, resolve};
use self::target::{OuterGenerics, check_signature};
use crate::ctxt::Ctxt;

/// Entry point of the attribute.
pub(crate) fn instrument_rpc(args: TokenStream, item: TokenStream) -> TokenStream {
    let cx = Ctxt::new();
    let args = RpcArgs::parse(&cx, args);
    let output = match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Fn(function)) => instrument_fn(&cx, &args, function),
        Ok(syn::Item::Impl(block)) => instrument_impl(&cx, &args, block),
        Ok(syn::Item::Trait(definition)) => {
            cx.error_spanned_by(
                &definition.ident,
                "`#[instrument_rpc]` cannot instrument a trait definition; put it on the `impl` block",
            );
            definition.into_token_stream()
        }
        Ok(other) => {
            let message = if quote!(#other).into_iter().any(|token| token.to_string() == "fn") {
                "expected a fn with a body"
            } else {
                "`#[instrument_rpc]` expected a fn, a method or an impl block"
            };
            cx.error_spanned_by(item_head(&other), message);
            other.into_token_stream()
        }
        Err(_) => {
            // Not an item: a trait method without a body (`fn f(&self);`)
            // arrives here. Leave the tokens as they are.
            cx.error_spanned_by(&item, "expected a fn with a body");
            item
        }
    };
    match cx.check() {
        Ok(()) => output,
        Err(errors) => {
            let errors = errors.to_compile_error();
            quote!(#errors #output)
        }
    }
}

fn instrument_fn(cx: &Ctxt, args: &RpcArgs, mut function: syn::ItemFn) -> TokenStream {
    check_args(cx, args, Place::Fn);
    check_signature(cx, &function.sig);
    if let Some(spec) = resolve(cx, args, None, &function.sig.ident) {
        let outer = OuterGenerics::new(&[&function.sig.generics]);
        let body = expand::instrument_body(&spec, &function.sig, &function.block, &outer);
        if let Ok(block) = syn::parse2(body) {
            function.block = Box::new(block);
        }
    }
    function.into_token_stream()
}

fn instrument_impl(cx: &Ctxt, args: &RpcArgs, mut block: syn::ItemImpl) -> TokenStream {
    check_args(cx, args, Place::ImplBlock);
    let impl_generics = block.generics.clone();
    for item in &mut block.items {
        let syn::ImplItem::Fn(method) = item else { continue };
        let own = take_own_args(cx, &mut method.attrs);
        check_args(cx, &own, Place::MethodInBlock);
        if own.skip.get().is_some() {
            continue;
        }
        check_signature(cx, &method.sig);
        let Some(spec) = resolve(cx, &own, Some(args), &method.sig.ident) else { continue };
        let outer = OuterGenerics::new(&[&impl_generics, &method.sig.generics]);
        let body = expand::instrument_body(&spec, &method.sig, &method.block, &outer);
        if let Ok(new_block) = syn::parse2(body) {
            method.block = new_block;
        }
    }
    block.into_token_stream()
}

/// Removes the method's own `#[instrument_rpc(...)]` attributes and merges their arguments.
fn take_own_args(cx: &Ctxt, attrs: &mut Vec<syn::Attribute>) -> RpcArgs {
    let mut own: Option<RpcArgs> = None;
    attrs.retain(|attribute| {
        let is_ours = attribute.path().segments.last().is_some_and(|segment| segment.ident == "instrument_rpc");
        if is_ours {
            if own.is_some() {
                cx.error_spanned_by(attribute, "duplicate `#[instrument_rpc]` attribute");
            } else {
                own = Some(RpcArgs::parse_attribute(cx, attribute));
            }
        }
        !is_ours
    });
    own.unwrap_or_else(RpcArgs::empty)
}

/// The tokens an item error points at: its name where it has one.
fn item_head(item: &syn::Item) -> TokenStream {
    match item {
        syn::Item::Struct(item) => item.ident.to_token_stream(),
        syn::Item::Enum(item) => item.ident.to_token_stream(),
        syn::Item::Union(item) => item.ident.to_token_stream(),
        syn::Item::Const(item) => item.ident.to_token_stream(),
        syn::Item::Static(item) => item.ident.to_token_stream(),
        syn::Item::Type(item) => item.ident.to_token_stream(),
        syn::Item::Mod(item) => item.ident.to_token_stream(),
        syn::Item::Use(item) => item.use_token.to_token_stream(),
        other => other.to_token_stream(),
    }
}
