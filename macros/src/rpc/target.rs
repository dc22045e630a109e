//! What the attribute was put on, and the shapes of fn it can instrument.

use syn::visit::Visit;

use crate::ctxt::Ctxt;

/// How a fn's body runs.
pub(crate) enum Body<'a> {
    /// A plain fn: the body runs inside a closure.
    Sync,
    /// An `async fn`: the body runs inside an `async move` block.
    Async,
    /// A fn that `#[async_trait]` already rewrote: `Box::pin(async move { .. })`
    /// is its last expression, and that future is what gets instrumented.
    BoxedFuture { future: &'a syn::ExprAsync },
}

impl<'a> Body<'a> {
    pub(crate) fn of(sig: &syn::Signature, block: &'a syn::Block) -> Body<'a> {
        if sig.asyncness.is_some() {
            return Body::Async;
        }
        match block.stmts.last() {
            Some(syn::Stmt::Expr(syn::Expr::Call(call), None))
                if is_box_pin(&call.func) && call.args.len() == 1 =>
            {
                match &call.args[0] {
                    syn::Expr::Async(future) => Body::BoxedFuture { future },
                    _ => Body::Sync,
                }
            }
            _ => Body::Sync,
        }
    }
}

fn is_box_pin(func: &syn::Expr) -> bool {
    let syn::Expr::Path(path) = func else {
        return false;
    };
    let segments: Vec<String> = path
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments.ends_with(&["Box".to_owned(), "pin".to_owned()])
}

/// The type a call evaluates to: the declared return type, or for a boxed
/// future the `Output` of its `dyn Future`.
pub(crate) fn value_type(sig: &syn::Signature, body: &Body<'_>) -> Option<syn::Type> {
    let declared = match &sig.output {
        syn::ReturnType::Default => return Some(syn::parse_quote!(())),
        syn::ReturnType::Type(_, ty) => ty.as_ref(),
    };
    match body {
        Body::BoxedFuture { .. } => future_output(declared),
        _ => Some(declared.clone()),
    }
}

/// `R` from `Pin<Box<dyn Future<Output = R> + ..>>`.
fn future_output(ty: &syn::Type) -> Option<syn::Type> {
    struct FindOutput(Option<syn::Type>);
    impl<'ast> Visit<'ast> for FindOutput {
        fn visit_assoc_type(&mut self, assoc: &'ast syn::AssocType) {
            if assoc.ident == "Output" && self.0.is_none() {
                self.0 = Some(assoc.ty.clone());
            }
        }
    }
    let mut finder = FindOutput(None);
    finder.visit_type(ty);
    finder.0
}

/// Names a nested item (a `static` or `fn` inside the body) cannot use.
pub(crate) struct OuterGenerics {
    names: Vec<String>,
}

impl OuterGenerics {
    pub(crate) fn new(generics: &[&syn::Generics]) -> Self {
        let names = generics
            .iter()
            .flat_map(|generics| generics.params.iter())
            .filter_map(|param| match param {
                syn::GenericParam::Type(ty) => Some(ty.ident.to_string()),
                syn::GenericParam::Const(constant) => Some(constant.ident.to_string()),
                syn::GenericParam::Lifetime(_) => None,
            })
            .collect();
        Self { names }
    }

    /// Whether `ty` can be named inside a nested item: no `impl Trait`, no
    /// `_`, no `Self`, no generic parameter of the fn or its impl, no named
    /// lifetime other than `'static`, no macro.
    pub(crate) fn can_name(&self, ty: &syn::Type) -> bool {
        struct Nameable<'a> {
            outer: &'a OuterGenerics,
            ok: bool,
        }
        impl<'ast> Visit<'ast> for Nameable<'_> {
            fn visit_type(&mut self, ty: &'ast syn::Type) {
                match ty {
                    syn::Type::ImplTrait(_)
                    | syn::Type::Infer(_)
                    | syn::Type::Macro(_)
                    | syn::Type::Verbatim(_) => {
                        self.ok = false;
                    }
                    _ => syn::visit::visit_type(self, ty),
                }
            }
            fn visit_path(&mut self, path: &'ast syn::Path) {
                if let Some(first) = path.segments.first() {
                    let name = first.ident.to_string();
                    if name == "Self"
                        || (path.segments.len() == 1 || path.leading_colon.is_none())
                            && self.outer.names.contains(&name)
                    {
                        self.ok = false;
                    }
                }
                syn::visit::visit_path(self, path);
            }
            fn visit_lifetime(&mut self, lifetime: &'ast syn::Lifetime) {
                if lifetime.ident != "static" {
                    self.ok = false;
                }
            }
        }
        let mut check = Nameable {
            outer: self,
            ok: true,
        };
        check.visit_type(ty);
        check.ok
    }
}

/// `ty` with every `impl Trait` replaced by `_`, for a `let` annotation: the
/// hidden type is not nameable, but the rest of the type still guides inference.
pub(crate) fn erase_impl_trait(ty: &syn::Type) -> syn::Type {
    struct Eraser;
    impl syn::visit_mut::VisitMut for Eraser {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if let syn::Type::ImplTrait(opaque) = ty {
                *ty = syn::Type::Infer(syn::TypeInfer {
                    underscore_token: syn::Token![_](syn::spanned::Spanned::span(opaque)),
                });
            } else {
                syn::visit_mut::visit_type_mut(self, ty);
            }
        }
    }
    let mut erased = ty.clone();
    syn::visit_mut::VisitMut::visit_type_mut(&mut Eraser, &mut erased);
    erased
}

/// Reports a `const fn`, which cannot read a clock.
pub(crate) fn check_signature(cx: &Ctxt, sig: &syn::Signature) {
    if let Some(constness) = &sig.constness {
        cx.error_spanned_by(
            constness,
            "`#[instrument_rpc]` cannot instrument a `const fn`",
        );
    }
}
