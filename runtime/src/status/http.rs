//! HTTP status codes as `status` labels: the numeric code, as Prometheus users expect.

use crate::status::traits::RpcStatus;

/// "100101102...999": every three-digit code, so a label is a `'static`
/// slice of this table instead of a formatted `String` per call.
static THREE_DIGIT_CODES: [u8; 2700] = {
    let mut table = [0u8; 2700];
    let mut index = 0;
    while index < 900 {
        let code = index + 100;
        table[index * 3] = b'0' + (code / 100) as u8;
        table[index * 3 + 1] = b'0' + (code / 10 % 10) as u8;
        table[index * 3 + 2] = b'0' + (code % 10) as u8;
        index += 1;
    }
    table
};

/// The numeric label of an HTTP status code (`"200"`, `"404"`).
pub fn http_status_label(status: http::StatusCode) -> &'static str {
    let start = (usize::from(status.as_u16()) - 100) * 3;
    // `StatusCode` guarantees 100..=999, so the slice is three ASCII digits.
    std::str::from_utf8(&THREE_DIGIT_CODES[start..start + 3]).unwrap_or("unknown")
}

impl RpcStatus for http::StatusCode {
    const STATUS_VALUES: &'static [&'static str] = &[];

    fn rpc_status(&self) -> &'static str {
        http_status_label(*self)
    }
}

impl<B> RpcStatus for http::Response<B> {
    const STATUS_VALUES: &'static [&'static str] = &[];

    fn rpc_status(&self) -> &'static str {
        http_status_label(self.status())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_its_own_digits() {
        for code in 100..=999u16 {
            let status = http::StatusCode::from_u16(code).unwrap();
            assert_eq!(http_status_label(status), code.to_string());
        }
    }
}
