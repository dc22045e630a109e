//! Parsing `#[instrument_rpc(...)]` arguments.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{LitBool, LitStr, Token};

use crate::attr::Attr;
use crate::ctxt::Ctxt;
use crate::names::RenameRule;
use crate::symbol::{self, BUCKETS, CRATE, IN_FLIGHT, LABELS, METHOD, PREFIX, RENAME_ALL, RPC_ARGUMENTS, SKIP, TRACE};

/// One `key = "value"` of `labels(...)`.
pub(crate) struct StaticLabel {
    pub(crate) name: syn::Ident,
    pub(crate) value: LitStr,
}

/// Bucket bounds with the span of each, for errors that point at one bound.
pub(crate) struct Buckets {
    pub(crate) bounds: Vec<(f64, Span)>,
    pub(crate) span: Span,
}

/// The arguments as written, each at most once. Meaning is checked later.
pub(crate) struct RpcArgs {
    pub(crate) prefix: Attr<LitStr>,
    pub(crate) method: Attr<LitStr>,
    pub(crate) rename_all: Attr<(RenameRule, LitStr)>,
    pub(crate) buckets: Attr<Buckets>,
    pub(crate) labels: Attr<Vec<StaticLabel>>,
    pub(crate) in_flight: Attr<bool>,
    pub(crate) trace: Attr<bool>,
    pub(crate) krate: Attr<syn::Path>,
    pub(crate) skip: Attr<()>,
}

impl RpcArgs {
    pub(crate) fn empty() -> Self {
        Self {
            prefix: Attr::none(PREFIX),
            method: Attr::none(METHOD),
            rename_all: Attr::none(RENAME_ALL),
            buckets: Attr::none(BUCKETS),
            labels: Attr::none(LABELS),
            in_flight: Attr::none(IN_FLIGHT),
            trace: Attr::none(TRACE),
            krate: Attr::none(CRATE),
            skip: Attr::none(SKIP),
        }
    }

    /// Parses the tokens inside `#[instrument_rpc(...)]`. Problems go to `cx`;
    /// parsing goes on past them, so all are reported at once.
    pub(crate) fn parse(cx: &Ctxt, tokens: proc_macro2::TokenStream) -> RpcArgs {
        let mut args = RpcArgs::empty();
        let parser = syn::meta::parser(|meta| args.parse_one(cx, meta));
        if let Err(error) = syn::parse::Parser::parse2(parser, tokens) {
            cx.syn_error(error);
        }
        args
    }

    /// Parses the arguments of an attribute found on a method inside an
    /// instrumented impl block (`#[instrument_rpc(skip)]`, `#[instrument_rpc(method = "...")]`).
    pub(crate) fn parse_attribute(cx: &Ctxt, attribute: &syn::Attribute) -> RpcArgs {
        match &attribute.meta {
            syn::Meta::Path(_) => RpcArgs::empty(),
            syn::Meta::List(list) => RpcArgs::parse(cx, list.tokens.clone()),
            syn::Meta::NameValue(name_value) => {
                cx.error_spanned_by(name_value, "expected `#[instrument_rpc]` or `#[instrument_rpc(...)]`");
                RpcArgs::empty()
            }
        }
    }

    fn parse_one(&mut self, cx: &Ctxt, meta: ParseNestedMeta<'_>) -> syn::Result<()> {
        let span = meta.path.span();
        let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
        match key.as_str() {
            PREFIX => self.prefix.set(cx, span, meta.value()?.parse()?),
            METHOD => self.method.set(cx, span, meta.value()?.parse()?),
            RENAME_ALL => {
                let name: LitStr = meta.value()?.parse()?;
                match RenameRule::from_name(&name.value()) {
                    Some(rule) => self.rename_all.set(cx, span, (rule, name)),
                    None => cx.error_spanned_by(
                        &name,
                        format!(
                            "unknown case `{}`; expected {}",
                            name.value(),
                            symbol::one_of(RenameRule::NAMES)
                        ),
                    ),
                }
            }
            BUCKETS => {
                let buckets = parse_buckets(cx, &meta)?;
                self.buckets.set(cx, span, buckets);
            }
            LABELS => {
                let mut labels = Vec::new();
                meta.parse_nested_meta(|label| {
                    let Some(name) = label.path.get_ident().cloned() else {
                        cx.error_spanned_by(&label.path, "expected a label name");
                        return skip_value(&label);
                    };
                    let value: LitStr = label.value()?.parse()?;
                    labels.push(StaticLabel { name, value });
                    Ok(())
                })?;
                self.labels.set(cx, span, labels);
            }
            IN_FLIGHT => self.in_flight.set(cx, span, parse_flag(&meta)?),
            TRACE => self.trace.set(cx, span, parse_flag(&meta)?),
            CRATE => self.krate.set(cx, span, meta.value()?.parse()?),
            SKIP => self.skip.set(cx, span, ()),
            _ => {
                cx.error_spanned_by(
                    &meta.path,
                    format!(
                        "unknown argument `{}`; expected {}",
                        quote::ToTokens::to_token_stream(&meta.path).to_string().replace(' ', ""),
                        symbol::one_of(RPC_ARGUMENTS)
                    ),
                );
                skip_value(&meta)?;
            }
        }
        Ok(())
    }
}

/// `flag` alone means `true`; `flag = false` turns it off.
fn parse_flag(meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
    if meta.input.peek(Token![=]) {
        let value: LitBool = meta.value()?.parse()?;
        Ok(value.value)
    } else {
        Ok(true)
    }
}

/// Consumes whatever follows an argument that will not be used.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

/// `buckets = [0.1, 1, 2.5]`: numeric literals, optionally negative.
fn parse_buckets(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Buckets> {
    let array: syn::ExprArray = meta.value()?.parse()?;
    let mut bounds = Vec::new();
    for element in &array.elems {
        match bucket_bound(element) {
            Some(bound) => bounds.push((bound, element.span())),
            None => cx.error_spanned_by(element, "expected a number literal as a bucket bound"),
        }
    }
    Ok(Buckets { bounds, span: array.span() })
}

fn bucket_bound(expr: &syn::Expr) -> Option<f64> {
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Float(float), .. }) => float.base10_parse().ok(),
        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(int), .. }) => int.base10_parse::<f64>().ok(),
        syn::Expr::Unary(syn::ExprUnary { op: syn::UnOp::Neg(_), expr, .. }) => bucket_bound(expr).map(|bound| -bound),
        syn::Expr::Group(group) => bucket_bound(&group.expr),
        _ => None,
    }
}
