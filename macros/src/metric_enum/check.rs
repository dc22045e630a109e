//! Checking a `#[metric_enum]` and resolving it into an [`EnumSpec`].

use proc_macro2::Span;

use super::args::{Encoding, EnumArgs, VariantArgs};
use crate::ctxt::Ctxt;
use crate::names::{self, RenameRule};
use crate::parse::{doc_text, ident_name};

/// How a variant holds data, for the patterns that match it.
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    Unit,
    /// `NotFound(u64)`
    Tuple,
    /// `Conflict { id: u64 }`
    Named,
}

/// One variant and its label value.
pub(crate) struct VariantSpec {
    pub(crate) ident: syn::Ident,
    pub(crate) shape: Shape,
    pub(crate) value: String,
    /// What the state means, for `/status`: `meaning = "..."`, the doc
    /// comment, or the label value.
    pub(crate) meaning: String,
    /// `false` with `#[metric(not_ready)]`.
    pub(crate) ready: bool,
}

/// The state gauge of `state = "..."`.
pub(crate) struct StateSpec {
    pub(crate) name: String,
    pub(crate) help: String,
    pub(crate) encoding: Encoding,
    /// Identity labels, in series order.
    pub(crate) labels: Vec<(String, String)>,
    /// `health`: implement `HealthState` too.
    pub(crate) health: bool,
}

/// Everything the expansion needs, checked.
pub(crate) struct EnumSpec {
    pub(crate) variants: Vec<VariantSpec>,
    pub(crate) state: Option<StateSpec>,
}

/// Checks the enum's shape and each variant, and resolves label values.
pub(crate) fn check_variants(
    cx: &Ctxt,
    args: &EnumArgs,
    item: &mut syn::ItemEnum,
) -> Vec<VariantSpec> {
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        cx.error_spanned_by(
            &item.generics,
            "`#[metric_enum]` expected an enum without generics",
        );
    }
    if item.variants.is_empty() {
        cx.error_spanned_by(
            &item.ident,
            "`#[metric_enum]` expected an enum with at least one variant",
        );
    }
    let rule = args.rename_all.get().copied().unwrap_or(RenameRule::Snake);
    let mut variants: Vec<VariantSpec> = Vec::new();
    for variant in &mut item.variants {
        let own = VariantArgs::take(cx, &mut variant.attrs);
        let shape = match variant.fields {
            syn::Fields::Unit => Shape::Unit,
            syn::Fields::Unnamed(_) => Shape::Tuple,
            syn::Fields::Named(_) => Shape::Named,
        };
        // A label or an error status only reads which variant a value is;
        // a state gauge also builds each variant back from its index (and
        // reads discriminants), which needs fieldless variants.
        if !matches!(shape, Shape::Unit) && args.state.get().is_some() {
            cx.error_spanned_by(
                &variant.fields,
                format!(
                    "variant `{}` has fields; a state enum (`state = \"...\"`) expected fieldless variants",
                    variant.ident
                ),
            );
        }
        let value = match own.rename.get() {
            Some(rename) => {
                if rename.value().is_empty() {
                    cx.error_spanned_by(
                        rename,
                        "expected a non-empty label value; an empty value means the label is absent",
                    );
                }
                rename.value()
            }
            None => rule.apply(&ident_name(&variant.ident)),
        };
        if let Some(first) = variants.iter().find(|seen| seen.value == value) {
            let span = own.rename.span().unwrap_or_else(|| variant.ident.span());
            cx.error_at(
                span,
                format!(
                    "variants `{}` and `{}` have the same label value `{value}`; expected distinct values",
                    first.ident, variant.ident
                ),
            );
        }
        if args.health.get().is_none() {
            for (argument, span) in [
                ("meaning", own.meaning.span()),
                ("not_ready", own.not_ready.span()),
            ] {
                if let Some(span) = span {
                    cx.error_at(span, format!("`{argument}` only applies with `health`; set `#[metric_enum(state = \"...\", health)]`"));
                }
            }
        }
        let meaning = own
            .meaning
            .get()
            .map(syn::LitStr::value)
            .or_else(|| doc_text(&variant.attrs))
            .unwrap_or_else(|| value.clone());
        variants.push(VariantSpec {
            ident: variant.ident.clone(),
            shape,
            value,
            meaning,
            ready: own.not_ready.get().is_none(),
        });
    }
    variants
}

/// Checks the state gauge arguments; `None` without `state`.
pub(crate) fn check_state(cx: &Ctxt, args: &EnumArgs, item: &syn::ItemEnum) -> Option<StateSpec> {
    let Some(state) = args.state.get() else {
        let needs_state = |argument: &str, span: Option<Span>| {
            if let Some(span) = span {
                cx.error_at(
                    span,
                    format!("`{argument}` only applies to a state gauge; set `state = \"...\"`"),
                );
            }
        };
        needs_state("help", args.help.span());
        needs_state("encoding", args.encoding.span());
        needs_state("labels", args.labels.span());
        needs_state("health", args.health.span());
        return None;
    };
    let name = state.value();
    let encoding = args.encoding.get().copied().unwrap_or(Encoding::StateSet);
    if let Some(problem) = names::metric_name_problem(&name) {
        cx.error_spanned_by(state, format!("invalid `state`: {problem}"));
    } else if encoding == Encoding::StateSet {
        if let Some(problem) = names::label_name_problem(&name) {
            cx.error_spanned_by(
                state,
                format!("invalid `state`: a StateSet is labelled with its own name, and {problem}"),
            );
        }
    }
    let help = match args
        .help
        .get()
        .map(syn::LitStr::value)
        .or_else(|| doc_text(&item.attrs))
    {
        Some(help) if !help.is_empty() => help,
        _ => {
            cx.error_spanned_by(
                state,
                "expected `help = \"...\"` or a doc comment on the enum; it becomes the state gauge's help text",
            );
            String::new()
        }
    };
    let mut labels: Vec<(String, String)> = Vec::new();
    for label in args.labels.get().map(Vec::as_slice).unwrap_or_default() {
        let label_name = ident_name(&label.name);
        let problem = if labels.iter().any(|(seen, _)| *seen == label_name) {
            Some(format!("duplicate label `{label_name}`"))
        } else if label_name == name && encoding == Encoding::StateSet {
            Some(format!(
                "label `{label_name}` holds the state of the StateSet `{name}`; expected another name"
            ))
        } else {
            names::label_name_problem(&label_name)
        };
        match problem {
            Some(problem) => cx.error_spanned_by(&label.name, problem),
            None if label.value.value().is_empty() => cx.error_spanned_by(
                &label.value,
                format!(
                    "expected a non-empty value for label `{label_name}`; an empty value means the label is absent"
                ),
            ),
            None => {}
        }
        labels.push((label_name, label.value.value()));
    }
    Some(StateSpec {
        name,
        help,
        encoding,
        labels,
        health: args.health.get().is_some(),
    })
}
