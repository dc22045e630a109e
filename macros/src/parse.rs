//! Argument parsing shared by every macro: one way to read a flag, a
//! bucket list, constant labels and doc comments, and one message for an
//! unknown argument.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{LitBool, LitStr, Token};

use crate::ctxt::Ctxt;
use crate::symbol;

/// The name an identifier gives a metric, label or method: its text
/// without the `r#` of a raw identifier (`r#type` names `type`).
pub(crate) fn ident_name(ident: &syn::Ident) -> String {
    ident.unraw().to_string()
}

/// The argument's name, as written.
pub(crate) fn key_of(meta: &ParseNestedMeta<'_>) -> String {
    meta.path
        .get_ident()
        .map(ToString::to_string)
        .unwrap_or_default()
}

/// Reports an unknown argument, listing the accepted ones, and skips its value.
pub(crate) fn unknown_argument(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
    accepted: &[&str],
) -> syn::Result<()> {
    cx.error_spanned_by(
        &meta.path,
        format!(
            "unknown argument `{}`; expected {}",
            quote::ToTokens::to_token_stream(&meta.path)
                .to_string()
                .replace(' ', ""),
            symbol::one_of(accepted)
        ),
    );
    skip_value(meta)
}

/// Consumes whatever follows an argument that will not be used.
pub(crate) fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

/// `flag` alone means `true`; `flag = false` turns it off.
pub(crate) fn parse_flag(meta: &ParseNestedMeta<'_>) -> syn::Result<bool> {
    if meta.input.peek(Token![=]) {
        let value: LitBool = meta.value()?.parse()?;
        Ok(value.value)
    } else {
        Ok(true)
    }
}

/// One `key = "value"` of `labels(...)`.
pub(crate) struct StaticLabel {
    pub(crate) name: syn::Ident,
    pub(crate) value: LitStr,
}

/// `labels(key = "value", ...)`: constant labels, in the order written.
pub(crate) fn parse_static_labels(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<Vec<StaticLabel>> {
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
    Ok(labels)
}

/// Bucket bounds with the span of each, for errors that point at one bound.
pub(crate) struct Buckets {
    pub(crate) bounds: Vec<(f64, Span)>,
    pub(crate) span: Span,
}

/// `buckets = [0.1, 1, 2.5]`: numeric literals, optionally negative.
pub(crate) fn parse_buckets(cx: &Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Buckets> {
    let array: syn::ExprArray = meta.value()?.parse()?;
    let mut bounds = Vec::new();
    for element in &array.elems {
        match bucket_bound(element) {
            Some(bound) => bounds.push((bound, element.span())),
            None => cx.error_spanned_by(element, "expected a number literal as a bucket bound"),
        }
    }
    Ok(Buckets {
        bounds,
        span: array.span(),
    })
}

fn bucket_bound(expr: &syn::Expr) -> Option<f64> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Float(float),
            ..
        }) => float.base10_parse().ok(),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(int),
            ..
        }) => int.base10_parse::<f64>().ok(),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => bucket_bound(expr).map(|bound| -bound),
        syn::Expr::Path(path) => match path
            .path
            .segments
            .last()
            .map(|segment| segment.ident.to_string())
            .as_deref()
        {
            Some("NAN") => Some(f64::NAN),
            Some("INFINITY") => Some(f64::INFINITY),
            _ => None,
        },
        syn::Expr::Group(group) => bucket_bound(&group.expr),
        _ => None,
    }
}

/// The doc comment of an item or field, lines joined with spaces.
pub(crate) fn doc_text(attrs: &[syn::Attribute]) -> Option<String> {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|attribute| attribute.path().is_ident("doc"))
        .filter_map(|attribute| match &attribute.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value:
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(text),
                        ..
                    }),
                ..
            }) => Some(text.value().trim().to_owned()),
            _ => None,
        })
        .collect();
    let mut paragraphs = lines
        .split(String::is_empty)
        .filter(|paragraph| !paragraph.is_empty());
    // The first paragraph is the summary; the help text is one line.
    paragraphs.next().map(|first| first.join(" "))
}

/// `rename_all = "PascalCase"`: the rule, with the literal for later errors;
/// `None` (and an error listing the accepted cases) for an unknown case.
pub(crate) fn parse_rename_rule(
    cx: &Ctxt,
    meta: &ParseNestedMeta<'_>,
) -> syn::Result<Option<(crate::names::RenameRule, LitStr)>> {
    let name: LitStr = meta.value()?.parse()?;
    match crate::names::RenameRule::from_name(&name.value()) {
        Some(rule) => Ok(Some((rule, name))),
        None => {
            cx.error_spanned_by(
                &name,
                format!(
                    "unknown case `{}`; expected {}",
                    name.value(),
                    symbol::one_of(crate::names::RenameRule::NAMES)
                ),
            );
            Ok(None)
        }
    }
}
