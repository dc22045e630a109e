//! Checking each metric field against the naming rules and resolving it
//! into a [`MetricSpec`].

use proc_macro2::Span;
use vitals_naming::limits::{DEFAULT_BOUNDED_LIMIT, MAX_BOUNDED_LABELS};

use super::args::{FieldArgs, GroupArgs, LabelDecl, LabelType};
use crate::ctxt::Ctxt;
use crate::names::{self, DEFAULT_DURATION_BUCKETS, UNITS};
use crate::parse::{doc_text, ident_name};
use crate::symbol;

/// Counter, gauge or histogram, from the field's type.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// One metric field, checked.
pub(crate) struct MetricSpec {
    pub(crate) field: syn::Ident,
    pub(crate) kind: Kind,
    /// The full metric name, prefix included.
    pub(crate) name: String,
    pub(crate) help: String,
    /// The field's doc attributes, for the generated method.
    pub(crate) docs: Vec<syn::Attribute>,
    pub(crate) labels: Vec<LabelDecl>,
    /// The `metrics::Unit` variant, if any.
    pub(crate) unit: Option<&'static str>,
    pub(crate) buckets: Vec<f64>,
    pub(crate) limit: usize,
}

/// The prefix, checked; `None` when there is none or it is invalid.
pub(crate) fn check_prefix(cx: &Ctxt, args: &GroupArgs) -> Option<String> {
    let prefix = args.prefix.get()?;
    match names::metric_name_problem(&prefix.value()) {
        Some(problem) => {
            cx.error_spanned_by(prefix, format!("invalid `prefix`: {problem}"));
            None
        }
        None => Some(prefix.value()),
    }
}

/// Checks one field and resolves it.
pub(crate) fn check_field(
    cx: &Ctxt,
    prefix: Option<&str>,
    field: &syn::Field,
    args: FieldArgs,
) -> Option<MetricSpec> {
    let ident = field.ident.clone()?;
    let field_name = ident_name(&ident);
    let kind = check_kind(cx, field, &field_name);
    let name = match prefix {
        Some(prefix) => format!("{prefix}_{field_name}"),
        None => field_name.clone(),
    };
    let name_ok = check_name(cx, &ident, &name, kind);
    let unit = check_unit(cx, &args, &name, name_ok, kind);
    let buckets = check_buckets(cx, &args, &field_name, kind);
    let labels = check_field_labels(cx, &args, &ident, &name);
    let limit = check_limit(cx, &args, &labels, &name);
    let help = check_help(cx, field, &ident, &field_name);
    let docs = field
        .attrs
        .iter()
        .filter(|attribute| attribute.path().is_ident("doc"))
        .cloned()
        .collect();
    Some(MetricSpec {
        field: ident,
        kind,
        name,
        help,
        docs,
        labels,
        unit,
        buckets,
        limit,
    })
}

/// The metric's kind from the field's type; an unknown type is reported and
/// expanded as a counter so the rest of the field is still checked.
fn check_kind(cx: &Ctxt, field: &syn::Field, field_name: &str) -> Kind {
    kind_of(&field.ty).unwrap_or_else(|| {
        cx.error_spanned_by(
            &field.ty,
            format!("expected `Counter`, `Gauge` or `Histogram` as the type of metric field `{field_name}`"),
        );
        Kind::Counter
    })
}

/// Checks the full name against the naming rules of its kind; `false` when
/// it is not a metric name at all, so checks that read its suffix are
/// skipped.
fn check_name(cx: &Ctxt, ident: &syn::Ident, name: &str, kind: Kind) -> bool {
    if let Some(problem) = names::metric_name_problem(name) {
        cx.error_spanned_by(ident, format!("invalid metric name: {problem}"));
        return false;
    }
    let kind_problem = match kind {
        Kind::Counter => names::counter_name_problem(name),
        Kind::Histogram => names::duration_histogram_problem(name),
        Kind::Gauge => None,
    };
    if let Some(problem) = kind_problem {
        cx.error_spanned_by(ident, problem);
    }
    true
}

/// The `metrics::Unit` variant: from `unit = ".."`, checked against the
/// name's suffix, or else inferred from the suffix.
fn check_unit(
    cx: &Ctxt,
    args: &FieldArgs,
    name: &str,
    name_ok: bool,
    kind: Kind,
) -> Option<&'static str> {
    let counter = kind == Kind::Counter;
    let Some(unit) = args.unit.get() else {
        return names::unit_from_name(name, counter)
            .and_then(|spelling| UNITS.iter().find(|(known, _)| *known == spelling))
            .map(|(_, variant)| *variant);
    };
    match UNITS.iter().find(|(spelling, _)| *spelling == unit.value()) {
        Some((spelling, variant)) => {
            if let (true, Some(problem)) =
                (name_ok, names::unit_suffix_problem(name, spelling, counter))
            {
                cx.error_spanned_by(unit, problem);
            }
            Some(*variant)
        }
        None => {
            let accepted: Vec<&str> = UNITS.iter().map(|(spelling, _)| *spelling).collect();
            cx.error_spanned_by(
                unit,
                format!(
                    "unknown unit `{}`; expected {}",
                    unit.value(),
                    symbol::one_of(&accepted)
                ),
            );
            None
        }
    }
}

/// The histogram's bounds: `buckets = [..]` if valid, else the default (so
/// expansion goes on with bounds that can be written as literals); none for
/// other kinds.
fn check_buckets(cx: &Ctxt, args: &FieldArgs, field_name: &str, kind: Kind) -> Vec<f64> {
    let Some(buckets) = args.buckets.get() else {
        return match kind {
            Kind::Histogram => DEFAULT_DURATION_BUCKETS.to_vec(),
            Kind::Counter | Kind::Gauge => Vec::new(),
        };
    };
    if kind != Kind::Histogram {
        cx.error_at(
            args.buckets.span().unwrap_or_else(Span::call_site),
            format!(
                "`buckets` only applies to a histogram; `{field_name}` is a {}",
                kind.word()
            ),
        );
    } else if let Some((span, problem)) = names::buckets_problem(&buckets.bounds, buckets.span) {
        cx.error_at(span, problem);
        return DEFAULT_DURATION_BUCKETS.to_vec();
    }
    buckets.bounds.iter().map(|(bound, _)| *bound).collect()
}

/// The labels, checked, duplicates removed (a duplicate is reported once,
/// by `check_labels`, not again as a duplicate parameter), and at most
/// [`MAX_BOUNDED_LABELS`] bounded ones.
fn check_field_labels(
    cx: &Ctxt,
    args: &FieldArgs,
    ident: &syn::Ident,
    name: &str,
) -> Vec<LabelDecl> {
    let mut labels = args.labels.get().cloned().unwrap_or_default();
    check_labels(cx, &labels);
    let mut seen: Vec<syn::Ident> = Vec::new();
    labels.retain(|label| {
        let fresh = !seen.contains(&label.name);
        seen.push(label.name.clone());
        fresh
    });
    let bounded = bounded_count(&labels);
    if bounded > MAX_BOUNDED_LABELS {
        cx.error_spanned_by(
            ident,
            format!("metric `{name}` has {bounded} bounded `&str` labels; expected at most {MAX_BOUNDED_LABELS}"),
        );
    }
    labels
}

fn bounded_count(labels: &[LabelDecl]) -> usize {
    labels
        .iter()
        .filter(|label| matches!(label.ty, LabelType::Bounded))
        .count()
}

/// The bounded labels' limit: `limit = N` (at least 1, and only with a
/// bounded label), else [`DEFAULT_BOUNDED_LIMIT`].
fn check_limit(cx: &Ctxt, args: &FieldArgs, labels: &[LabelDecl], name: &str) -> usize {
    let Some(limit) = args.limit.get() else {
        return DEFAULT_BOUNDED_LIMIT;
    };
    if bounded_count(labels) == 0 {
        cx.error_spanned_by(
            limit,
            format!("`limit` bounds `&str` labels; metric `{name}` has none"),
        );
    }
    match limit.base10_parse::<usize>() {
        Ok(0) | Err(_) => {
            cx.error_spanned_by(limit, "expected a `limit` of at least 1 distinct value");
            DEFAULT_BOUNDED_LIMIT
        }
        Ok(limit) => limit,
    }
}

/// The help text: the field's doc comment, which is required.
fn check_help(cx: &Ctxt, field: &syn::Field, ident: &syn::Ident, field_name: &str) -> String {
    doc_text(&field.attrs).unwrap_or_else(|| {
        cx.error_spanned_by(
            ident,
            format!("expected a doc comment on metric field `{field_name}`; it becomes the metric's help text"),
        );
        String::new()
    })
}

fn check_labels(cx: &Ctxt, labels: &[LabelDecl]) {
    let mut seen: Vec<String> = Vec::new();
    for label in labels {
        let name = ident_name(&label.name);
        let problem = if seen.contains(&name) {
            Some(format!("duplicate label `{name}`"))
        } else {
            names::label_name_problem(&name)
        };
        if let Some(problem) = problem {
            cx.error_spanned_by(&label.name, problem);
        }
        seen.push(name);
    }
}

/// The kind a field's type names: the last segment of `Counter`,
/// `vitals::Gauge`, ...
fn kind_of(ty: &syn::Type) -> Option<Kind> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if !last.arguments.is_none() {
        return None;
    }
    match last.ident.to_string().as_str() {
        "Counter" => Some(Kind::Counter),
        "Gauge" => Some(Kind::Gauge),
        "Histogram" => Some(Kind::Histogram),
        _ => None,
    }
}
