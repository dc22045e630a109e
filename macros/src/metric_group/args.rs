//! Parsing `#[metric_group(...)]` and the `#[metric(...)]` of each field,
//! plus the small parsers `#[metric_enum]` shares.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{LitInt, LitStr, Token};

use crate::attr::Attr;
use crate::ctxt::Ctxt;
use crate::symbol::{
    self, BUCKETS, CRATE, FIELD_ARGUMENTS, GROUP_ARGUMENTS, LABELS, LIMIT, PREFIX, UNIT,
};

/// The arguments of `#[metric_group(...)]`.
pub(crate) struct GroupArgs {
    pub(crate) prefix: Attr<LitStr>,
    pub(crate) krate: Attr<syn::Path>,
}

impl GroupArgs {
    pub(crate) fn parse(cx: &Ctxt, tokens: proc_macro2::TokenStream) -> GroupArgs {
        let mut args = GroupArgs {
            prefix: Attr::none(PREFIX),
            krate: Attr::none(CRATE),
        };
        let parser = syn::meta::parser(|meta| {
            let span = meta.path.span();
            match key_of(&meta).as_str() {
                PREFIX => args.prefix.set(cx, span, meta.value()?.parse()?),
                CRATE => args.krate.set(cx, span, meta.value()?.parse()?),
                _ => unknown_argument(cx, &meta, GROUP_ARGUMENTS)?,
            }
            Ok(())
        });
        if let Err(error) = syn::parse::Parser::parse2(parser, tokens) {
            cx.syn_error(error);
        }
        args
    }
}

/// What a label's values come from.
#[derive(Clone)]
pub(crate) enum LabelType {
    /// A `#[metric_enum]` type.
    Enum(Box<syn::Type>),
    /// `&str`: a bounded string.
    Bounded,
}

/// `name: Type` inside `labels(...)`.
#[derive(Clone)]
pub(crate) struct LabelDecl {
    pub(crate) name: syn::Ident,
    pub(crate) ty: LabelType,
}

impl Parse for LabelDecl {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name: syn::Ident = input.parse()?;
        input.parse::<Token![:]>()?;
        let written: syn::Type = input.parse()?;
        let ty = if is_str_reference(&written) {
            LabelType::Bounded
        } else {
            LabelType::Enum(Box::new(written))
        };
        Ok(LabelDecl { name, ty })
    }
}

/// `&str` or `&'static str`.
fn is_str_reference(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(reference) => {
            matches!(&*reference.elem, syn::Type::Path(path) if path.qself.is_none() && path.path.is_ident("str"))
        }
        syn::Type::Group(group) => is_str_reference(&group.elem),
        _ => false,
    }
}

/// The arguments of one field's `#[metric(...)]`.
pub(crate) struct FieldArgs {
    pub(crate) labels: Attr<Vec<LabelDecl>>,
    pub(crate) unit: Attr<LitStr>,
    pub(crate) buckets: Attr<Buckets>,
    pub(crate) limit: Attr<LitInt>,
}

impl FieldArgs {
    pub(crate) fn empty() -> Self {
        Self {
            labels: Attr::none(LABELS),
            unit: Attr::none(UNIT),
            buckets: Attr::none(BUCKETS),
            limit: Attr::none(LIMIT),
        }
    }

    /// Removes the `#[metric(...)]` attributes from a field and parses them.
    pub(crate) fn take(cx: &Ctxt, attrs: &mut Vec<syn::Attribute>) -> FieldArgs {
        let mut args = FieldArgs::empty();
        attrs.retain(|attribute| {
            if !attribute.path().is_ident("metric") {
                return true;
            }
            match &attribute.meta {
                syn::Meta::Path(_) => {}
                syn::Meta::List(list) => {
                    let parser = syn::meta::parser(|meta| args.parse_one(cx, meta));
                    if let Err(error) = syn::parse::Parser::parse2(parser, list.tokens.clone()) {
                        cx.syn_error(error);
                    }
                }
                syn::Meta::NameValue(name_value) => {
                    cx.error_spanned_by(name_value, "expected `#[metric(...)]`")
                }
            }
            false
        });
        args
    }

    fn parse_one(&mut self, cx: &Ctxt, meta: ParseNestedMeta<'_>) -> syn::Result<()> {
        let span = meta.path.span();
        match key_of(&meta).as_str() {
            LABELS => {
                let content;
                syn::parenthesized!(content in meta.input);
                let labels = content.parse_terminated(LabelDecl::parse, Token![,])?;
                self.labels.set(cx, span, labels.into_iter().collect());
            }
            UNIT => self.unit.set(cx, span, meta.value()?.parse()?),
            BUCKETS => {
                let buckets = parse_buckets(cx, &meta)?;
                self.buckets.set(cx, span, buckets);
            }
            LIMIT => self.limit.set(cx, span, meta.value()?.parse()?),
            _ => unknown_argument(cx, &meta, FIELD_ARGUMENTS)?,
        }
        Ok(())
    }
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
