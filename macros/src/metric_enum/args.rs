//! Parsing `#[metric_enum(...)]` and the `#[metric(...)]` of each variant.

use syn::LitStr;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;

use crate::attr::Attr;
use crate::ctxt::Ctxt;
use crate::names::RenameRule;
use crate::parse::{StaticLabel, key_of, parse_rename_rule, parse_static_labels, unknown_argument};
use crate::symbol::{
    self, CRATE, ENCODING, ENUM_ARGUMENTS, HELP, LABELS, RENAME, RENAME_ALL, STATE,
    VARIANT_ARGUMENTS,
};

/// How a state gauge is exposed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    StateSet,
    Value,
}

impl Encoding {
    const NAMES: &'static [&'static str] = &["stateset", "value"];
}

/// The arguments of `#[metric_enum(...)]`, each at most once.
pub(crate) struct EnumArgs {
    pub(crate) rename_all: Attr<RenameRule>,
    pub(crate) state: Attr<LitStr>,
    pub(crate) help: Attr<LitStr>,
    pub(crate) encoding: Attr<Encoding>,
    pub(crate) labels: Attr<Vec<StaticLabel>>,
    pub(crate) krate: Attr<syn::Path>,
}

impl EnumArgs {
    pub(crate) fn parse(cx: &Ctxt, tokens: proc_macro2::TokenStream) -> EnumArgs {
        let mut args = EnumArgs {
            rename_all: Attr::none(RENAME_ALL),
            state: Attr::none(STATE),
            help: Attr::none(HELP),
            encoding: Attr::none(ENCODING),
            labels: Attr::none(LABELS),
            krate: Attr::none(CRATE),
        };
        let parser = syn::meta::parser(|meta| args.parse_one(cx, meta));
        if let Err(error) = syn::parse::Parser::parse2(parser, tokens) {
            cx.syn_error(error);
        }
        args
    }

    fn parse_one(&mut self, cx: &Ctxt, meta: ParseNestedMeta<'_>) -> syn::Result<()> {
        let span = meta.path.span();
        match key_of(&meta).as_str() {
            RENAME_ALL => {
                if let Some((rule, _)) = parse_rename_rule(cx, &meta)? {
                    self.rename_all.set(cx, span, rule);
                }
            }
            STATE => self.state.set(cx, span, meta.value()?.parse()?),
            HELP => self.help.set(cx, span, meta.value()?.parse()?),
            ENCODING => {
                let name: LitStr = meta.value()?.parse()?;
                match name.value().as_str() {
                    "stateset" => self.encoding.set(cx, span, Encoding::StateSet),
                    "value" => self.encoding.set(cx, span, Encoding::Value),
                    other => cx.error_spanned_by(
                        &name,
                        format!(
                            "unknown encoding `{other}`; expected {}",
                            symbol::one_of(Encoding::NAMES)
                        ),
                    ),
                }
            }
            LABELS => {
                self.labels.set(cx, span, parse_static_labels(cx, &meta)?);
            }
            CRATE => self.krate.set(cx, span, meta.value()?.parse()?),
            _ => unknown_argument(cx, &meta, ENUM_ARGUMENTS)?,
        }
        Ok(())
    }
}

/// The arguments of a variant's `#[metric(...)]`.
pub(crate) struct VariantArgs {
    pub(crate) rename: Attr<LitStr>,
}

impl VariantArgs {
    /// Removes the `#[metric(...)]` attributes from a variant and parses them.
    pub(crate) fn take(cx: &Ctxt, attrs: &mut Vec<syn::Attribute>) -> VariantArgs {
        let mut args = VariantArgs {
            rename: Attr::none(RENAME),
        };
        attrs.retain(|attribute| {
            if !attribute.path().is_ident("metric") {
                return true;
            }
            match &attribute.meta {
                syn::Meta::List(list) => {
                    let parser = syn::meta::parser(|meta| {
                        let span = meta.path.span();
                        match key_of(&meta).as_str() {
                            RENAME => args.rename.set(cx, span, meta.value()?.parse()?),
                            _ => unknown_argument(cx, &meta, VARIANT_ARGUMENTS)?,
                        }
                        Ok(())
                    });
                    if let Err(error) = syn::parse::Parser::parse2(parser, list.tokens.clone()) {
                        cx.syn_error(error);
                    }
                }
                _ => cx.error_spanned_by(attribute, "expected `#[metric(rename = \"...\")]`"),
            }
            false
        });
        args
    }
}
