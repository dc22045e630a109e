//! Code generation for one instrumented fn.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::check::RpcSpec;
use super::target::{Body, OuterGenerics, erase_impl_trait, value_type};

const REQUESTS_HELP: &str = "Calls handled, by method and status; counted when the call ends.";
const DURATION_HELP: &str = "Duration of calls in seconds, by method.";
const IN_FLIGHT_HELP: &str = "Calls in progress, by method.";

/// The new body of an instrumented fn.
pub(crate) fn instrument_body(
    spec: &RpcSpec,
    sig: &syn::Signature,
    block: &syn::Block,
    outer: &OuterGenerics,
) -> TokenStream {
    let private = {
        let krate = &spec.krate;
        quote!(#krate::__private)
    };
    let body = Body::of(sig, block);
    let value_type = value_type(sig, &body);

    let statics = site_statics(
        spec,
        &private,
        value_type.as_ref().filter(|ty| outer.can_name(ty)),
    );
    let span = spec.trace.then(|| {
        let method = Literal::string(&spec.method);
        quote! {
            let __vitals_span = #private::tracing::info_span!(#method, status = #private::tracing::field::Empty);
        }
    });
    let enter = if spec.trace {
        quote!(__VITALS_SITE.enter_with_span(#private::Some(::core::clone::Clone::clone(&__vitals_span))))
    } else {
        quote!(__VITALS_SITE.enter())
    };
    // The annotation pins the value's type before the status rule is chosen:
    // without it, `Err("..".into())` leaves the error type open and the rule
    // would be picked on an inference variable.
    let annotation = value_type
        .as_ref()
        .filter(|_| !matches!(body, Body::BoxedFuture { .. }))
        .map(|ty| {
            let ty = erase_impl_trait(ty);
            quote!(: #ty)
        });
    let instrument = |future: TokenStream| {
        if spec.trace {
            quote!(#private::tracing::Instrument::instrument(#future, ::core::clone::Clone::clone(&__vitals_span)))
        } else {
            future
        }
    };
    let finish = quote! {
        __vitals_guard.finish({
            use #private::status_rules::by_value::*; // one of its three rules applies
            (&&&Wrap(&__vitals_ret)).__vitals_status()
        });
        __vitals_ret
    };

    match body {
        Body::Sync => {
            let enter_span = spec
                .trace
                .then(|| quote!(let __vitals_entered = __vitals_span.enter();));
            quote! {{
                #statics
                #span
                let __vitals_guard = #enter;
                // A closure, so that `return` in the body ends the body, not the measurement.
                #[allow(clippy::redundant_closure_call)]
                let __vitals_ret #annotation = {
                    #enter_span
                    (move || #block)()
                };
                #finish
            }}
        }
        Body::Async => {
            let future = instrument(quote!(async move #block));
            quote! {{
                #statics
                #span
                let __vitals_guard = #enter;
                let __vitals_ret #annotation = #future.await;
                #finish
            }}
        }
        Body::BoxedFuture { future } => {
            let prelude = &block.stmts[..block.stmts.len() - 1];
            let future = instrument(quote!(#future));
            quote! {{
                #(#prelude)*
                #statics
                ::std::boxed::Box::pin(async move {
                    #span
                    let __vitals_guard = #enter;
                    let __vitals_ret = #future.await;
                    #finish
                })
            }}
        }
    }
}

/// The site's one catalogue entry (its two or three descriptors), its
/// series labels and its `RpcSite`.
fn site_statics(
    spec: &RpcSpec,
    private: &TokenStream,
    nameable_value_type: Option<&syn::Type>,
) -> TokenStream {
    let method = &spec.method;
    let label_names: Vec<&str> = spec.labels.iter().map(|(name, _)| name.as_str()).collect();
    let label_values: Vec<&str> = spec
        .labels
        .iter()
        .map(|(_, value)| value.as_str())
        .collect();
    let series_label_count = 1 + spec.labels.len();
    let label_count = series_label_count + 1;
    let (status_values_fn, status_values) = status_values(private, nameable_value_type);
    let metrics = descriptors(spec, private);
    quote! {
        #status_values_fn
        const __VITALS_ORIGIN: #private::Origin = #private::origin(::core::module_path!(), ::core::file!(), ::core::line!());
        // `method`, the static labels and, last, `status` (the request counter's only).
        static __VITALS_LABELS: [#private::LabelDescriptor; #label_count] = [
            #private::LabelDescriptor::new("method", #private::LabelValues::Known(&[#method])),
            #(#private::LabelDescriptor::new(#label_names, #private::LabelValues::Known(&[#label_values])),)*
            #private::LabelDescriptor::new("status", #status_values),
        ];
        #[#private::linkme::distributed_slice(#private::CATALOGUE)]
        #[linkme(crate = #private::linkme)]
        static __VITALS_METRICS: &[#private::MetricDescriptor] = &[#metrics];
        static __VITALS_SERIES_LABELS: [#private::metrics::Label; #series_label_count] = [
            #private::metrics::Label::from_static_parts("method", #method),
            #(#private::metrics::Label::from_static_parts(#label_names, #label_values),)*
        ];
        static __VITALS_SITE: #private::RpcSite = #private::RpcSite::new(__VITALS_METRICS, &__VITALS_SERIES_LABELS);
    }
}

/// The `status` label's values: computed from the return type when the
/// expansion can name it, open otherwise. The fn, when there is one, goes
/// next to the statics that point at it.
fn status_values(
    private: &TokenStream,
    nameable_value_type: Option<&syn::Type>,
) -> (TokenStream, TokenStream) {
    match nameable_value_type {
        Some(ty) => (
            quote! {
                fn __vitals_status_values() -> &'static [&'static str] {
                    use #private::status_rules::by_type::*; // one of its three rules applies
                    (&&&StatusesOf::<#ty>::new()).__vitals_status_values()
                }
            },
            quote!(#private::LabelValues::Computed(__vitals_status_values)),
        ),
        None => (quote!(), quote!(#private::LabelValues::Open)),
    }
}

/// The request counter's, the duration histogram's and (unless turned off)
/// the in-flight gauge's descriptors, in the order `RpcSite` reads them.
fn descriptors(spec: &RpcSpec, private: &TokenStream) -> TokenStream {
    let prefix = &spec.prefix;
    let requests = format!("{prefix}_requests_total");
    let duration = format!("{prefix}_request_duration_seconds");
    let in_flight = format!("{prefix}_requests_in_flight");
    let buckets = match &spec.buckets {
        Some(bounds) => {
            let bounds = bounds.iter().map(|bound| Literal::f64_suffixed(*bound));
            quote!(#private::Some(&[#(#bounds),*]))
        }
        None => quote!(#private::None),
    };
    let (requests_help, duration_help, in_flight_help) = match &spec.help {
        Some(help) => (
            help.clone(),
            format!("{help} {DURATION_HELP}"),
            format!("{help} {IN_FLIGHT_HELP}"),
        ),
        None => (
            REQUESTS_HELP.to_owned(),
            DURATION_HELP.to_owned(),
            IN_FLIGHT_HELP.to_owned(),
        ),
    };
    let in_flight = spec.in_flight.then(|| {
        quote!(#private::rpc_in_flight(#in_flight, #in_flight_help, &__VITALS_LABELS, __VITALS_ORIGIN),)
    });
    quote! {
        #private::rpc_requests(#requests, #requests_help, &__VITALS_LABELS, __VITALS_ORIGIN),
        #private::rpc_duration(#duration, #duration_help, &__VITALS_LABELS, #buckets, __VITALS_ORIGIN),
        #in_flight
    }
}
