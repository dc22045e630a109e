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
use crate::fallback::{item_head, with_errors};
use crate::parse::doc_text;

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
            let message = if quote!(#other)
                .into_iter()
                .any(|token| token.to_string() == "fn")
            {
                "expected a fn with a body"
            } else {
                "`#[instrument_rpc]` expected a fn, a method or an impl block"
            };
            cx.error_spanned_by(item_head(&other), message);
            other.into_token_stream()
        }
        // A body syn cannot parse (a syntax error inside it): emit the
        // tokens unchanged and let rustc report the error itself, as
        // tracing-attributes' speculative fallback does; an error of ours
        // on top would only mislead.
        Err(_) if ends_with_body(&item) => item,
        Err(_) => {
            // Not an item: a trait method without a body (`fn f(&self);`)
            // arrives here. Leave the tokens as they are.
            cx.error_spanned_by(&item, "expected a fn with a body");
            item
        }
    };
    with_errors(cx, output)
}

/// Checks, then expands only if nothing was wrong: otherwise the fn is
/// emitted as written, so the only errors are the attribute's own.
fn instrument_fn(cx: &Ctxt, args: &RpcArgs, mut function: syn::ItemFn) -> TokenStream {
    check_args(cx, args, Place::Fn);
    check_signature(cx, &function.sig);
    let spec = resolve(
        cx,
        args,
        None,
        &function.sig.ident,
        doc_text(&function.attrs),
    );
    if let (Some(spec), false) = (spec, cx.has_errors()) {
        let outer = OuterGenerics::new(&[&function.sig.generics]);
        let body = expand::instrument_body(&spec, &function.sig, &function.block, &outer);
        function.block = Box::new(parse_block(body));
    }
    function.into_token_stream()
}

/// Checks every method, then expands them all only if nothing was wrong.
/// The methods' own `#[instrument_rpc(...)]` attributes are removed either
/// way, so they do not expand a second time on their own.
fn instrument_impl(cx: &Ctxt, args: &RpcArgs, mut block: syn::ItemImpl) -> TokenStream {
    check_args(cx, args, Place::ImplBlock);
    let mut specs = Vec::new();
    for (index, item) in block.items.iter_mut().enumerate() {
        let syn::ImplItem::Fn(method) = item else {
            continue;
        };
        let own = take_own_args(cx, &mut method.attrs);
        check_args(cx, &own, Place::MethodInBlock);
        if own.skip.get().is_some() {
            continue;
        }
        check_signature(cx, &method.sig);
        if let Some(spec) = resolve(
            cx,
            &own,
            Some(args),
            &method.sig.ident,
            doc_text(&method.attrs),
        ) {
            specs.push((index, spec));
        }
    }
    if !cx.has_errors() {
        for (index, spec) in specs {
            let syn::ImplItem::Fn(method) = &mut block.items[index] else {
                continue;
            };
            let outer = OuterGenerics::new(&[&block.generics, &method.sig.generics]);
            let body = expand::instrument_body(&spec, &method.sig, &method.block, &outer);
            method.block = parse_block(body);
        }
    }
    block.into_token_stream()
}

/// Whether the item's last token is a `{ ... }` group: a fn or impl block
/// with a body, whatever the body holds.
fn ends_with_body(item: &TokenStream) -> bool {
    matches!(
        item.clone().into_iter().last(),
        Some(proc_macro2::TokenTree::Group(group)) if group.delimiter() == proc_macro2::Delimiter::Brace
    )
}

fn parse_block(tokens: TokenStream) -> syn::Block {
    syn::parse2(tokens).expect("the expansion of a fn body is a block")
}

/// Removes the method's own `#[instrument_rpc(...)]` attributes and merges their arguments.
fn take_own_args(cx: &Ctxt, attrs: &mut Vec<syn::Attribute>) -> RpcArgs {
    let mut own: Option<RpcArgs> = None;
    attrs.retain(|attribute| {
        let is_ours = attribute
            .path()
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "instrument_rpc");
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
