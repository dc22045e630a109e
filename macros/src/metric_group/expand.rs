//! Code generation for a `#[metric_group]` struct.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::args::LabelType;
use super::check::{Kind, MetricSpec};
use crate::parse::ident_name;

/// The struct with its fields turned into metric families, its const
/// constructor, one recording method per metric and `Default`.
pub(crate) fn expand(
    item: &syn::ItemStruct,
    specs: &[MetricSpec],
    krate: &TokenStream,
) -> TokenStream {
    let private = quote!(#krate::__private);
    let attrs = &item.attrs;
    let vis = &item.vis;
    let ident = &item.ident;
    let field_attrs: Vec<Vec<&syn::Attribute>> = match &item.fields {
        syn::Fields::Named(fields) => fields
            .named
            .iter()
            .map(|field| field.attrs.iter().collect())
            .collect(),
        _ => Vec::new(),
    };
    let no_attrs = Vec::new();

    let mut fields = Vec::new();
    let mut statics = Vec::new();
    let mut inits = Vec::new();
    let mut methods = Vec::new();
    for (index, spec) in specs.iter().enumerate() {
        let field = &spec.field;
        let family = family_type(spec.kind, &private);
        let attrs = field_attrs.get(index).unwrap_or(&no_attrs);
        fields.push(quote!(#(#attrs)* #field: #family));
        let descriptor = format_ident!("__VITALS_METRIC_{}", index);
        let bounded = format_ident!("__VITALS_BOUNDED_{}", index);
        statics.push(descriptor_statics(spec, &descriptor, &bounded, &private));
        inits.push(quote!(#field: #family::new(&#descriptor, &#bounded)));
        methods.push(method(spec, vis, &private));
    }

    let new_doc = format!(
        "Creates the metric group. It is `const`, so a group can live in a `static`; every instance records into the same series.\n\nMetrics: {}.",
        specs
            .iter()
            .map(|spec| format!("`{}`", spec.name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    quote! {
        #(#attrs)*
        #vis struct #ident {
            #(#fields,)*
        }

        impl #ident {
            #[doc = #new_doc]
            #vis const fn new() -> Self {
                #(#statics)*
                Self { #(#inits,)* }
            }

            #(#methods)*
        }

        impl ::core::default::Default for #ident {
            fn default() -> Self {
                Self::new()
            }
        }
    }
}

fn family_type(kind: Kind, private: &TokenStream) -> TokenStream {
    match kind {
        Kind::Counter => quote!(#private::CounterFamily),
        Kind::Gauge => quote!(#private::GaugeFamily),
        Kind::Histogram => quote!(#private::HistogramFamily),
    }
}

/// The label descriptors, the catalogue entry and the bounded labels of one metric.
fn descriptor_statics(
    spec: &MetricSpec,
    descriptor: &syn::Ident,
    bounded: &syn::Ident,
    private: &TokenStream,
) -> TokenStream {
    let labels_ident = format_ident!("{}_LABELS", descriptor);
    let label_count = spec.labels.len();
    let labels = spec.labels.iter().map(|label| {
        let name = ident_name(&label.name);
        let values = match &label.ty {
            LabelType::Enum(ty) => {
                let metric_enum = quote_spanned!(ty.span()=> #private::MetricEnum);
                quote!(#private::LabelValues::Known(<#ty as #metric_enum>::LABEL_VALUES))
            }
            LabelType::Bounded => quote!(#private::LabelValues::Open),
        };
        quote!(#private::LabelDescriptor::new(#name, #values))
    });
    let name = &spec.name;
    let help = &spec.help;
    let kind = format_ident!(
        "{}",
        match spec.kind {
            Kind::Counter => "Counter",
            Kind::Gauge => "Gauge",
            Kind::Histogram => "Histogram",
        }
    );
    let unit = match spec.unit {
        Some(variant) => {
            let variant = format_ident!("{}", variant);
            quote!(#private::Some(#private::Unit::#variant))
        }
        None => quote!(#private::None),
    };
    let buckets = spec
        .buckets
        .iter()
        .map(|bound| Literal::f64_suffixed(*bound));
    let bounded_count = spec
        .labels
        .iter()
        .filter(|label| matches!(label.ty, LabelType::Bounded))
        .count();
    let limit = spec.limit;
    let bounded_labels =
        (0..bounded_count).map(|_| quote!(#private::BoundedLabel::new(#name, #limit)));
    quote! {
        static #labels_ident: [#private::LabelDescriptor; #label_count] = [#(#labels),*];
        static #descriptor: #private::MetricDescriptor = #private::MetricDescriptor::new(
            #name,
            #private::MetricKind::#kind,
            #help,
            #unit,
            &#labels_ident,
            &[#(#buckets),*],
            #private::Origin { module: ::core::module_path!(), file: ::core::file!(), line: ::core::line!() },
        );
        const _: () = {
            #[#private::linkme::distributed_slice(#private::CATALOGUE)]
            #[linkme(crate = #private::linkme)]
            static ENTRY: &[#private::MetricDescriptor] = ::core::slice::from_ref(&#descriptor);
        };
        static #bounded: [#private::BoundedLabel; #bounded_count] = [#(#bounded_labels),*];
    }
}

/// The recording method of one metric.
fn method(spec: &MetricSpec, vis: &syn::Visibility, private: &TokenStream) -> TokenStream {
    let field = &spec.field;
    let docs = &spec.docs;
    let handle = match spec.kind {
        Kind::Counter => quote!(#private::metrics::Counter),
        Kind::Gauge => quote!(#private::metrics::Gauge),
        Kind::Histogram => quote!(#private::metrics::Histogram),
    };
    let params = spec.labels.iter().map(|label| {
        let name = &label.name;
        match &label.ty {
            LabelType::Enum(ty) => quote!(#name: #ty),
            LabelType::Bounded => quote!(#name: &str),
        }
    });
    let args = spec.labels.iter().map(|label| {
        let name = &label.name;
        match &label.ty {
            LabelType::Enum(ty) => {
                let metric_enum = quote_spanned!(ty.span()=> #private::MetricEnum);
                quote!(#private::LabelArg::Enum(<#ty as #metric_enum>::index(&#name)))
            }
            LabelType::Bounded => quote!(#private::LabelArg::Str(#name)),
        }
    });
    let label_list = if spec.labels.is_empty() {
        "no labels".to_owned()
    } else {
        let names: Vec<String> = spec
            .labels
            .iter()
            .map(|label| {
                let name = ident_name(&label.name);
                match label.ty {
                    LabelType::Enum(_) => format!("`{name}`"),
                    LabelType::Bounded => {
                        format!("`{name}` (at most {} distinct values)", spec.limit)
                    }
                }
            })
            .collect();
        format!("labels {}", names.join(", "))
    };
    let series_doc = format!(
        "Records into `{}` ({}, {label_list}).",
        spec.name,
        spec.kind.word()
    );
    let separator = (!docs.is_empty()).then(|| quote!(#[doc = ""]));
    quote! {
        #(#docs)*
        #separator
        #[doc = #series_doc]
        #[inline]
        #vis fn #field(&self, #(#params),*) -> #handle {
            self.#field.handle(&[#(#args),*])
        }
    }
}
