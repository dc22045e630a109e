//! Parsing `#[instrument_rpc(...)]` arguments.

use syn::LitStr;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;

use crate::attr::Attr;
use crate::ctxt::Ctxt;
use crate::names::RenameRule;
use crate::parse::{
    Buckets, StaticLabel, parse_buckets, parse_flag, parse_rename_rule, parse_static_labels,
    unknown_argument,
};
use crate::symbol::{
    BUCKETS, CRATE, HELP, IN_FLIGHT, LABELS, METHOD, PREFIX, RENAME_ALL, RPC_ARGUMENTS, SKIP, TRACE,
};

/// The arguments as written, each at most once. Meaning is checked later.
pub(crate) struct RpcArgs {
    pub(crate) prefix: Attr<LitStr>,
    pub(crate) method: Attr<LitStr>,
    pub(crate) help: Attr<LitStr>,
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
            help: Attr::none(HELP),
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
                cx.error_spanned_by(
                    name_value,
                    "expected `#[instrument_rpc]` or `#[instrument_rpc(...)]`",
                );
                RpcArgs::empty()
            }
        }
    }

    fn parse_one(&mut self, cx: &Ctxt, meta: ParseNestedMeta<'_>) -> syn::Result<()> {
        let span = meta.path.span();
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        match key.as_str() {
            PREFIX => self.prefix.set(cx, span, meta.value()?.parse()?),
            METHOD => self.method.set(cx, span, meta.value()?.parse()?),
            HELP => self.help.set(cx, span, meta.value()?.parse()?),
            RENAME_ALL => {
                if let Some(rule) = parse_rename_rule(cx, &meta)? {
                    self.rename_all.set(cx, span, rule);
                }
            }
            BUCKETS => {
                let buckets = parse_buckets(cx, &meta)?;
                self.buckets.set(cx, span, buckets);
            }
            LABELS => {
                self.labels.set(cx, span, parse_static_labels(cx, &meta)?);
            }
            IN_FLIGHT => self.in_flight.set(cx, span, parse_flag(&meta)?),
            TRACE => self.trace.set(cx, span, parse_flag(&meta)?),
            CRATE => self.krate.set(cx, span, meta.value()?.parse()?),
            SKIP => self.skip.set(cx, span, ()),
            _ => unknown_argument(cx, &meta, RPC_ARGUMENTS)?,
        }
        Ok(())
    }
}
