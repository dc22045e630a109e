//! Whether to gzip an answer, from the scraper's `Accept-Encoding`.
//!
//! Prometheus always asks for gzip, and an exposition compresses about
//! tenfold (series repeat their names and labels), so a large page costs a
//! tenth of the bytes on the wire for a few milliseconds of CPU.

use std::io::Write as _;

use flate2::Compression;
use flate2::write::GzEncoder;

/// A content coding we answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Identity,
    Gzip,
}

impl Encoding {
    /// `Gzip` when `Accept-Encoding` names `gzip` (or `x-gzip`, or `*`)
    /// with a non-zero weight; otherwise the body goes as it is.
    pub(crate) fn negotiate(accept_encoding: Option<&str>) -> Encoding {
        let Some(accept_encoding) = accept_encoding else {
            return Encoding::Identity;
        };
        let mut gzip = None;
        let mut any = None;
        for coding in accept_encoding.split(',') {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default().to_ascii_lowercase();
            let quality = parts
                .filter_map(|parameter| parameter.split_once('='))
                .find(|(key, _)| key.trim().eq_ignore_ascii_case("q"))
                .map_or(1.0, |(_, value)| value.trim().parse().unwrap_or(0.0_f32));
            match name.as_str() {
                "gzip" | "x-gzip" => gzip = Some(quality),
                "*" => any = Some(quality),
                _ => {}
            }
        }
        // An explicit `gzip;q=0` refuses it even when `*` would allow it.
        match gzip.or(any) {
            Some(quality) if quality > 0.0 => Encoding::Gzip,
            _ => Encoding::Identity,
        }
    }

    /// The `Content-Encoding` header value, if any.
    pub(crate) fn header(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
        }
    }

    /// `body` in this coding.
    pub(crate) fn encode(self, body: String) -> Vec<u8> {
        match self {
            Encoding::Identity => body.into_bytes(),
            Encoding::Gzip => {
                // The fastest level: scrapes come often, and most of the
                // gain is in the first pass over repeated names.
                let mut encoder =
                    GzEncoder::new(Vec::with_capacity(body.len() / 8 + 64), Compression::fast());
                // Writing into a Vec cannot fail.
                let _ = encoder.write_all(body.as_bytes());
                encoder.finish().unwrap_or_default()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::Encoding;

    #[test]
    fn gzip_only_when_asked_for() {
        assert_eq!(Encoding::negotiate(None), Encoding::Identity);
        assert_eq!(Encoding::negotiate(Some("gzip")), Encoding::Gzip);
        assert_eq!(
            Encoding::negotiate(Some("deflate, GZIP;q=0.5")),
            Encoding::Gzip
        );
        assert_eq!(Encoding::negotiate(Some("*")), Encoding::Gzip);
        assert_eq!(Encoding::negotiate(Some("gzip;q=0, *")), Encoding::Identity);
        assert_eq!(Encoding::negotiate(Some("br, deflate")), Encoding::Identity);
        assert_eq!(Encoding::negotiate(Some("identity")), Encoding::Identity);
    }

    #[test]
    fn gzip_round_trips() {
        let body = "metric_total{a=\"b\"} 1\n".repeat(1000);
        let encoded = Encoding::Gzip.encode(body.clone());
        assert!(encoded.len() < body.len() / 10, "{} bytes", encoded.len());
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(encoded.as_slice())
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, body);
    }
}
