//! `/metrics`: the exposition, in the format the scraper accepts, gzipped
//! when it asks for that.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::compression::Encoding;
use crate::negotiate::Format;
use crate::shared::Shared;

pub(super) async fn metrics(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let header_text = |name| {
        headers
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    let format = Format::negotiate(header_text(header::ACCEPT));
    let encoding = Encoding::negotiate(header_text(header::ACCEPT_ENCODING));
    let body = shared
        .off_thread(move |shared| encoding.encode(shared.render(format)))
        .await;
    let Some(body) = body else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "rendering failed\n").into_response();
    };
    let mut response = (
        [
            (header::CONTENT_TYPE, format.content_type()),
            (header::VARY, "Accept, Accept-Encoding"),
        ],
        body,
    )
        .into_response();
    if let Some(coding) = encoding.header() {
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    response
}
