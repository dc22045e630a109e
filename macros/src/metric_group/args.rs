//! Parsing `#[metric_group(...)]` and the `#[metric(...)]` of each field,
//! plus the small parsers `#[metric_enum]` shares.

use syn::meta::ParseNestedMeta;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{LitInt, LitStr, Token};

use crate::attr::Attr;
use crate::ctxt::Ctxt;
use crate::parse::{Buckets, key_of, parse_buckets, unknown_argument};
use crate::symbol::{
    BUCKETS, CRATE, FIELD_ARGUMENTS, GROUP_ARGUMENTS, LABELS, LIMIT, PREFIX, UNIT,
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
