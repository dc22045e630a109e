//! Checking each metric field against the naming rules and resolving it
//! into a [`MetricSpec`].

use proc_macro2::Span;

use super::args::{FieldArgs, GroupArgs, LabelDecl, LabelType};
use crate::ctxt::Ctxt;
use crate::names::{self, DEFAULT_DURATION_BUCKETS, UNITS};
use crate::parse::{doc_text, ident_name};
use crate::symbol;

/// The most bounded `&str` labels one metric may have (the runtime's
/// `vitals::group::MAX_BOUNDED_LABELS`).
const MAX_BOUNDED_LABELS: usize = 4;

/// The limit of a bounded label when `limit` is not given (the runtime's
/// `vitals::bounded::DEFAULT_LIMIT`).
const DEFAULT_LIMIT: usize = 100;

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
    let kind = match kind_of(&field.ty) {
        Some(kind) => kind,
        None => {
            cx.error_spanned_by(
                &field.ty,
                format!("expected `Counter`, `Gauge` or `Histogram` as the type of metric field `{field_name}`"),
            );
            Kind::Counter
        }
    };
    let name = match prefix {
        Some(prefix) => format!("{prefix}_{field_name}"),
        None => field_name.clone(),
    };
    let counter = kind == Kind::Counter;
    let mut name_ok = true;
    if let Some(problem) = names::metric_name_problem(&name) {
        cx.error_spanned_by(&ident, format!("invalid metric name: {problem}"));
        name_ok = false;
    }
    if name_ok && counter {
        if let Some(problem) = names::counter_name_problem(&name) {
            cx.error_spanned_by(&ident, problem);
        }
    }
    if name_ok && kind == Kind::Histogram {
        if let Some(problem) = names::duration_histogram_problem(&name) {
            cx.error_spanned_by(&ident, problem);
        }
    }

    let unit = match args.unit.get() {
        Some(unit) => match UNITS.iter().find(|(spelling, _)| *spelling == unit.value()) {
            Some((spelling, variant)) => {
                if let (true, Some(problem)) = (
                    name_ok,
                    names::unit_suffix_problem(&name, spelling, counter),
                ) {
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
        },
        None => names::unit_from_name(&name, counter)
            .and_then(|spelling| UNITS.iter().find(|(known, _)| *known == spelling))
            .map(|(_, variant)| *variant),
    };

    let mut invalid_buckets = false;
    let buckets = match args.buckets.get() {
        Some(buckets) => {
            if kind != Kind::Histogram {
                cx.error_at(
                    args.buckets.span().unwrap_or_else(Span::call_site),
                    format!(
                        "`buckets` only applies to a histogram; `{field_name}` is a {}",
                        kind.word()
                    ),
                );
            } else if let Some((span, problem)) =
                names::buckets_problem(&buckets.bounds, buckets.span)
            {
                cx.error_at(span, problem);
                // Keep expanding with bounds that can be written as literals.
                invalid_buckets = true;
            }
            if invalid_buckets {
                DEFAULT_DURATION_BUCKETS.to_vec()
            } else {
                buckets.bounds.iter().map(|(bound, _)| *bound).collect()
            }
        }
        None if kind == Kind::Histogram => DEFAULT_DURATION_BUCKETS.to_vec(),
        None => Vec::new(),
    };

    let mut labels = args.labels.get().cloned().unwrap_or_default();
    check_labels(cx, &labels);
    // A duplicate is reported once, here, not again as a duplicate parameter.
    let mut seen: Vec<syn::Ident> = Vec::new();
    labels.retain(|label| {
        let fresh = !seen.contains(&label.name);
        seen.push(label.name.clone());
        fresh
    });
    let bounded = labels
        .iter()
        .filter(|label| matches!(label.ty, LabelType::Bounded))
        .count();
    if bounded > MAX_BOUNDED_LABELS {
        cx.error_spanned_by(
            &ident,
            format!("metric `{name}` has {bounded} bounded `&str` labels; expected at most {MAX_BOUNDED_LABELS}"),
        );
    }
    let limit = match args.limit.get() {
        Some(limit) => {
            if bounded == 0 {
                cx.error_spanned_by(
                    limit,
                    format!("`limit` bounds `&str` labels; metric `{name}` has none"),
                );
            }
            match limit.base10_parse::<usize>() {
                Ok(0) | Err(_) => {
                    cx.error_spanned_by(limit, "expected a `limit` of at least 1 distinct value");
                    DEFAULT_LIMIT
                }
                Ok(limit) => limit,
            }
        }
        None => DEFAULT_LIMIT,
    };

    let help = match doc_text(&field.attrs) {
        Some(help) => help,
        None => {
            cx.error_spanned_by(
                &ident,
                format!("expected a doc comment on metric field `{field_name}`; it becomes the metric's help text"),
            );
            String::new()
        }
    };
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
