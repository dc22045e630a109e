//! Code generation for one instrumented fn.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

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
        let __vitals_status = {
            #[allow(unused_imports)] // only one of the three applies to a given type
            use #private::status::{ViaAnything as _, ViaResult as _, ViaRpcStatus as _};
            (&&&#private::status::Wrap(&__vitals_ret)).__vitals_status()
        };
        __vitals_guard.finish(__vitals_status);
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

/// The catalogue descriptors, the static label set and the `RpcSite`.
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
    let label_count = 1 + spec.labels.len();

    let (status_values_fn, status_values) = match nameable_value_type {
        Some(ty) => (
            quote! {
                fn __vitals_status_values() -> &'static [&'static str] {
                    #[allow(unused_imports)] // only one of the three applies to a given type
                    use #private::status::{ValuesViaAnything as _, ValuesViaResult as _, ValuesViaRpcStatus as _};
                    (&&&#private::status::Probe::<#ty>::new()).__vitals_status_values()
                }
            },
            quote!(#private::LabelValues::Computed(__vitals_status_values)),
        ),
        None => (quote!(), quote!(#private::LabelValues::Open)),
    };

    let origin = quote! {
        #private::Origin { module: ::core::module_path!(), file: ::core::file!(), line: ::core::line!() }
    };
    let base_labels = quote! {
        #private::LabelDescriptor::new("method", #private::LabelValues::Known(&[#method])),
        #(#private::LabelDescriptor::new(#label_names, #private::LabelValues::Known(&[#label_values])),)*
    };
    let descriptor = |ident: &syn::Ident,
                      labels: &syn::Ident,
                      count: usize,
                      name: String,
                      kind: &str,
                      help: &str,
                      unit: TokenStream,
                      buckets: TokenStream,
                      status: bool| {
        let kind = format_ident!("{}", kind);
        let status_label =
            status.then(|| quote!(#private::LabelDescriptor::new("status", #status_values),));
        quote! {
            static #labels: [#private::LabelDescriptor; #count] = [#base_labels #status_label];
            #[#private::linkme::distributed_slice(#private::CATALOGUE)]
            #[linkme(crate = #private::linkme)]
            static #ident: #private::MetricDescriptor = #private::MetricDescriptor::new(
                #name, #private::MetricKind::#kind, #help, #unit, &#labels, #buckets, #origin,
            );
        }
    };
    let prefix = &spec.prefix;
    let none = quote!(#private::None);
    let bounds = spec
        .buckets
        .iter()
        .map(|bound| Literal::f64_suffixed(*bound));
    let requests = descriptor(
        &format_ident!("__VITALS_REQUESTS"),
        &format_ident!("__VITALS_REQUESTS_LABELS"),
        label_count + 1,
        format!("{prefix}_requests_total"),
        "Counter",
        REQUESTS_HELP,
        none.clone(),
        quote!(&[]),
        true,
    );
    let duration = descriptor(
        &format_ident!("__VITALS_DURATION"),
        &format_ident!("__VITALS_DURATION_LABELS"),
        label_count,
        format!("{prefix}_request_duration_seconds"),
        "Histogram",
        DURATION_HELP,
        quote!(#private::Some(#private::Unit::Seconds)),
        quote!(&[#(#bounds),*]),
        false,
    );
    let (in_flight, in_flight_ref) = if spec.in_flight {
        (
            descriptor(
                &format_ident!("__VITALS_IN_FLIGHT"),
                &format_ident!("__VITALS_IN_FLIGHT_LABELS"),
                label_count,
                format!("{prefix}_requests_in_flight"),
                "Gauge",
                IN_FLIGHT_HELP,
                none.clone(),
                quote!(&[]),
                false,
            ),
            quote!(#private::Some(&__VITALS_IN_FLIGHT)),
        )
    } else {
        (quote!(), none)
    };

    quote! {
        #status_values_fn
        #requests
        #duration
        #in_flight
        static __VITALS_SERIES_LABELS: [#private::metrics::Label; #label_count] = [
            #private::metrics::Label::from_static_parts("method", #method),
            #(#private::metrics::Label::from_static_parts(#label_names, #label_values),)*
        ];
        static __VITALS_SITE: #private::RpcSite =
            #private::RpcSite::new(&__VITALS_REQUESTS, &__VITALS_DURATION, #in_flight_ref, &__VITALS_SERIES_LABELS);
    }
}
