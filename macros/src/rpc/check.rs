//! Checking arguments and resolving them into an [`RpcSpec`].

use proc_macro2::{Span, TokenStream};
use quote::quote;

use super::args::RpcArgs;
use crate::ctxt::Ctxt;
use crate::names;
use crate::parse::ident_name;

/// Where an argument list was written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// On a fn or method on its own.
    Fn,
    /// On an impl block.
    ImplBlock,
    /// On a method inside an instrumented impl block.
    MethodInBlock,
}

/// Everything the expansion of one fn needs, checked.
pub(crate) struct RpcSpec {
    pub(crate) prefix: String,
    pub(crate) method: String,
    /// `help = ".."`, else the fn's doc comment (first paragraph); `None`:
    /// the default help texts.
    pub(crate) help: Option<String>,
    /// `None`: the runtime's default duration buckets.
    pub(crate) buckets: Option<Vec<f64>>,
    /// Static labels in series order, after `method`.
    pub(crate) labels: Vec<(String, String)>,
    pub(crate) in_flight: bool,
    pub(crate) trace: bool,
    pub(crate) krate: TokenStream,
}

/// Checks one argument list on its own: names, buckets, and whether each
/// argument belongs where it was written.
pub(crate) fn check_args(cx: &Ctxt, args: &RpcArgs, place: Place) {
    if let Some(prefix) = args.prefix.get() {
        if let Some(problem) = names::metric_name_problem(&prefix.value()) {
            cx.error_spanned_by(prefix, format!("invalid `prefix`: {problem}"));
        }
    }
    if let Some(method) = args.method.get() {
        if method.value().is_empty() {
            cx.error_spanned_by(method, "expected a non-empty method name");
        }
        if place == Place::ImplBlock {
            cx.error_at(
                args.method.span().unwrap_or_else(Span::call_site),
                "`method` names one fn; on an impl block use `rename_all`, or put `method` on the method",
            );
        }
    }
    if let Some(help) = args.help.get() {
        if help.value().trim().is_empty() {
            cx.error_spanned_by(
                help,
                "expected a non-empty `help`; leave `help` out to use the doc comment",
            );
        }
    }
    if let Some(span) = args.rename_all.span() {
        if place != Place::ImplBlock {
            cx.error_at(span, "`rename_all` is only accepted on an impl block");
        }
    }
    if let (Some(span), Place::Fn | Place::ImplBlock) = (args.skip.span(), place) {
        cx.error_at(
            span,
            "`skip` is only accepted on a method inside an `#[instrument_rpc]` impl block",
        );
    }
    if let Some(buckets) = args.buckets.get() {
        if let Some((span, problem)) = names::buckets_problem(&buckets.bounds, buckets.span) {
            cx.error_at(span, problem);
        }
    }
    if let Some(labels) = args.labels.get() {
        let mut seen: Vec<String> = Vec::new();
        for label in labels {
            let name = ident_name(&label.name);
            let problem = match name.as_str() {
                "method" => Some("label `method` is set by `#[instrument_rpc]`; use `method = \"...\"` to change its value".to_owned()),
                "status" => Some("label `status` is set from the return value; implement `vitals::RpcStatus` to change it".to_owned()),
                _ if seen.contains(&name) => Some(format!("duplicate label `{name}`")),
                _ => names::label_name_problem(&name),
            };
            match problem {
                Some(problem) => cx.error_spanned_by(&label.name, problem),
                None if label.value.value().is_empty() => cx.error_spanned_by(
                    &label.value,
                    format!("expected a non-empty value for label `{name}`; an empty value means the label is absent"),
                ),
                None => {}
            }
            seen.push(name);
        }
    }
}

/// Combines the arguments of a fn with those of its impl block (the fn's
/// own win) into the spec of that fn. `fn_name` is the fn's identifier,
/// `fn_docs` its doc comment.
pub(crate) fn resolve(
    cx: &Ctxt,
    own: &RpcArgs,
    block: Option<&RpcArgs>,
    fn_name: &syn::Ident,
    fn_docs: Option<String>,
) -> Option<RpcSpec> {
    let pick = |own_value: Option<&syn::LitStr>, block_value: Option<&syn::LitStr>| {
        own_value.or(block_value).map(syn::LitStr::value)
    };
    let prefix = match pick(own.prefix.get(), block.and_then(|b| b.prefix.get()))
        .or_else(names::package_prefix)
    {
        Some(prefix) => prefix,
        None => {
            cx.error_spanned_by(
                fn_name,
                "no package name to derive a metric prefix from; set `prefix = \"...\"`",
            );
            return None;
        }
    };
    if names::metric_name_problem(&prefix).is_some()
        && own.prefix.get().is_none()
        && block.is_none_or(|b| b.prefix.get().is_none())
    {
        cx.error_spanned_by(
            fn_name,
            format!("the package name gives the metric prefix `{prefix}`, which is not a valid metric name; set `prefix = \"...\"`"),
        );
        return None;
    }
    let fn_label = ident_name(fn_name);
    let method = match own.method.get() {
        Some(method) => method.value(),
        None => match block.and_then(|b| b.rename_all.get()) {
            Some((rule, _)) => rule.apply(&fn_label),
            None => fn_label,
        },
    };
    let buckets = own
        .buckets
        .get()
        .or_else(|| block.and_then(|b| b.buckets.get()))
        .map(|buckets| buckets.bounds.iter().map(|(bound, _)| *bound).collect());
    let labels = own
        .labels
        .get()
        .or_else(|| block.and_then(|b| b.labels.get()))
        .map(|labels| {
            labels
                .iter()
                .map(|label| (ident_name(&label.name), label.value.value()))
                .collect()
        })
        .unwrap_or_default();
    let flag = |own_flag: Option<&bool>, block_flag: Option<&bool>, default: bool| {
        *own_flag.or(block_flag).unwrap_or(&default)
    };
    let krate = match own
        .krate
        .get()
        .or_else(|| block.and_then(|b| b.krate.get()))
    {
        Some(path) => quote!(#path),
        None => quote!(::vitals),
    };
    let help = pick(own.help.get(), block.and_then(|b| b.help.get()))
        .or(fn_docs)
        .filter(|help| !help.is_empty());
    Some(RpcSpec {
        prefix,
        method,
        help,
        buckets,
        labels,
        in_flight: flag(
            own.in_flight.get(),
            block.and_then(|b| b.in_flight.get()),
            true,
        ),
        trace: flag(own.trace.get(), block.and_then(|b| b.trace.get()), false),
        krate,
    })
}
