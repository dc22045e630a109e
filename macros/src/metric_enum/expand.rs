//! Code generation for a `#[metric_enum]`: `MetricEnum`, `ErrorStatus` and,
//! with `state`, `StateMetric`.

use proc_macro2::TokenStream;
use quote::quote;

use super::args::Encoding;
use super::check::{EnumSpec, Shape, StateSpec, VariantSpec};

/// The trait impls of a checked enum.
pub(crate) fn expand(ident: &syn::Ident, spec: &EnumSpec, krate: &TokenStream) -> TokenStream {
    let private = quote!(#krate::__private);
    let values: Vec<&str> = spec
        .variants
        .iter()
        .map(|variant| variant.value.as_str())
        .collect();
    let arms = spec.variants.iter().enumerate().map(|(index, variant)| {
        let pattern = pattern(variant);
        quote!(#pattern => #index)
    });
    let state = spec
        .state
        .as_ref()
        .map(|state| state_impl(ident, spec, state, &private));
    quote! {
        impl #private::MetricEnum for #ident {
            const LABEL_VALUES: &'static [&'static str] = &[#(#values),*];

            #[inline]
            fn index(&self) -> usize {
                match self {
                    #(#arms,)*
                }
            }
        }

        impl #private::ErrorStatus for #ident {
            const RESULT_STATUS_VALUES: &'static [&'static str] = &["ok", #(#values),*];

            #[inline]
            fn error_status(&self) -> &'static str {
                <Self as #private::MetricEnum>::label_value(self)
            }
        }

        #state
    }
}

/// The pattern that matches a variant whatever its fields hold.
fn pattern(variant: &VariantSpec) -> TokenStream {
    let ident = &variant.ident;
    match variant.shape {
        Shape::Unit => quote!(Self::#ident),
        Shape::Tuple => quote!(Self::#ident(..)),
        Shape::Named => quote!(Self::#ident { .. }),
    }
}

fn state_impl(
    ident: &syn::Ident,
    spec: &EnumSpec,
    state: &StateSpec,
    private: &TokenStream,
) -> TokenStream {
    let name = &state.name;
    let help = &state.help;
    let label_names: Vec<&str> = state.labels.iter().map(|(name, _)| name.as_str()).collect();
    let label_values: Vec<&str> = state
        .labels
        .iter()
        .map(|(_, value)| value.as_str())
        .collect();
    let (encoding, state_label, descriptor_count) = match state.encoding {
        Encoding::StateSet => (
            quote!(StateSet),
            Some(
                quote!(#private::LabelDescriptor::new(#name, #private::LabelValues::Known(<#ident as #private::MetricEnum>::LABEL_VALUES)),),
            ),
            state.labels.len() + 1,
        ),
        Encoding::Value => (quote!(Value), None, state.labels.len()),
    };
    let series_count = state.labels.len();
    let idents: Vec<&syn::Ident> = spec.variants.iter().map(|variant| &variant.ident).collect();
    let indices = 0..idents.len();
    let health = state.health.then(|| health_impl(ident, spec, private));
    let discriminants = spec.variants.iter().map(|variant| {
        let variant = &variant.ident;
        quote!(#ident::#variant as i128 as f64)
    });
    quote! {
        impl #private::StateMetric for #ident {}

        impl #private::StateMetricParts for #ident {
            fn state_gauge() -> &'static #private::StateGauge {
                static __VITALS_STATE_LABELS: [#private::LabelDescriptor; #descriptor_count] = [
                    #(#private::LabelDescriptor::new(#label_names, #private::LabelValues::Known(&[#label_values])),)*
                    #state_label
                ];
                #[#private::linkme::distributed_slice(#private::CATALOGUE)]
                #[linkme(crate = #private::linkme)]
                static __VITALS_STATE_ENTRY: &[#private::MetricDescriptor] = ::core::slice::from_ref(&__VITALS_STATE);
                static __VITALS_STATE: #private::MetricDescriptor = #private::MetricDescriptor::new(
                    #name,
                    #private::MetricKind::Gauge,
                    #help,
                    #private::None,
                    &__VITALS_STATE_LABELS,
                    &[],
                    #private::Origin { module: ::core::module_path!(), file: ::core::file!(), line: ::core::line!() },
                );
                static __VITALS_STATE_SERIES_LABELS: [#private::metrics::Label; #series_count] = [
                    #(#private::metrics::Label::from_static_parts(#label_names, #label_values),)*
                ];
                static __VITALS_STATE_GAUGE: #private::StateGauge = #private::StateGauge::new(
                    &__VITALS_STATE,
                    #private::StateEncoding::#encoding,
                    &__VITALS_STATE_SERIES_LABELS,
                    <#ident as #private::MetricEnum>::LABEL_VALUES,
                    &[#(#discriminants),*],
                );
                &__VITALS_STATE_GAUGE
            }

            fn variant(index: usize) -> ::core::option::Option<Self> {
                match index {
                    #(#indices => ::core::option::Option::Some(Self::#idents),)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        #health
    }
}

/// `HealthState`: code from the discriminant, name from the label value,
/// meaning from `meaning = "..."` or the doc comment, readiness from
/// `#[metric(not_ready)]`.
fn health_impl(ident: &syn::Ident, spec: &EnumSpec, private: &TokenStream) -> TokenStream {
    let idents: Vec<&syn::Ident> = spec.variants.iter().map(|variant| &variant.ident).collect();
    let meanings = spec.variants.iter().map(|variant| variant.meaning.as_str());
    let ready = spec.variants.iter().map(|variant| variant.ready);
    quote! {
        impl #private::HealthState for #ident {
            fn code(&self) -> i64 {
                match self {
                    #(Self::#idents => Self::#idents as i64,)*
                }
            }

            fn name(&self) -> &'static str {
                <Self as #private::MetricEnum>::label_value(self)
            }

            fn meaning(&self) -> &'static str {
                match self {
                    #(Self::#idents => #meanings,)*
                }
            }

            fn is_ready(&self) -> bool {
                match self {
                    #(Self::#idents => #ready,)*
                }
            }
        }
    }
}

/// Impls that keep uses of the enum compiling after an error, so the error
/// is reported once.
pub(crate) fn stub(ident: &syn::Ident, state: bool, krate: &TokenStream) -> TokenStream {
    let private = quote!(#krate::__private);
    let state = state.then(|| {
        quote! {
            impl #private::StateMetric for #ident {}
            impl #private::StateMetricParts for #ident {
                fn state_gauge() -> &'static #private::StateGauge {
                    ::core::unreachable!()
                }
                fn variant(_: usize) -> ::core::option::Option<Self> {
                    ::core::option::Option::None
                }
            }
        }
    });
    quote! {
        impl #private::MetricEnum for #ident {
            const LABEL_VALUES: &'static [&'static str] = &[];
            fn index(&self) -> usize {
                ::core::unreachable!()
            }
        }
        impl #private::ErrorStatus for #ident {
            const RESULT_STATUS_VALUES: &'static [&'static str] = &[];
            fn error_status(&self) -> &'static str {
                ::core::unreachable!()
            }
        }
        #state
    }
}
