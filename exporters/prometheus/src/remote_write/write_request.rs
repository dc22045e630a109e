//! The remote-write 1.0 payload: a protobuf `prometheus.WriteRequest`,
//! encoded by hand (four small messages; no code generation, no protoc),
//! then snappy block-compressed.
//!
//! ```text
//! WriteRequest { repeated TimeSeries timeseries = 1; }
//! TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//! Label        { string name = 1; string value = 2; }
//! Sample       { double value = 1; int64 timestamp = 2; }   // milliseconds
//! ```

use crate::remote_write::exposition::Sample;

const LEN: u64 = 2;
const FIXED64: u64 = 1;
const VARINT: u64 = 0;

/// The snappy-compressed `WriteRequest` of `samples` at `timestamp_ms`,
/// each with `external` labels it does not have itself; labels sorted by
/// name, as the protocol requires.
pub(crate) fn encode(
    samples: Vec<Sample>,
    external: &[(String, String)],
    timestamp_ms: i64,
) -> Vec<u8> {
    let mut request = Vec::new();
    let mut series = Vec::new();
    let mut message = Vec::new();
    for mut sample in samples {
        for (name, value) in external {
            if !sample.labels.iter().any(|(known, _)| known == name) {
                sample.labels.push((name.clone(), value.clone()));
            }
        }
        sample.labels.sort_by(|a, b| a.0.cmp(&b.0));
        series.clear();
        for (name, value) in &sample.labels {
            message.clear();
            bytes_field(&mut message, 1, name.as_bytes());
            bytes_field(&mut message, 2, value.as_bytes());
            bytes_field(&mut series, 1, &message);
        }
        message.clear();
        key(&mut message, 1, FIXED64);
        message.extend_from_slice(&sample.value.to_le_bytes());
        key(&mut message, 2, VARINT);
        // int64 is a two's-complement varint.
        varint(&mut message, timestamp_ms as u64);
        bytes_field(&mut series, 2, &message);
        bytes_field(&mut request, 1, &series);
    }
    snap::raw::Encoder::new()
        .compress_vec(&request)
        .unwrap_or_default()
}

fn key(out: &mut Vec<u8>, field: u64, wire_type: u64) {
    varint(out, field << 3 | wire_type);
}

fn bytes_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    key(out, field, LEN);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sample_encodes_as_the_protocol_writes_it() {
        let sample = Sample {
            labels: vec![
                ("__name__".to_owned(), "up".to_owned()),
                ("job".to_owned(), "own".to_owned()),
            ],
            value: 1.0,
        };
        let external = [
            ("instance".to_owned(), "i".to_owned()),
            ("job".to_owned(), "external".to_owned()),
        ];
        let compressed = encode(vec![sample], &external, 300);
        let request = snap::raw::Decoder::new()
            .decompress_vec(&compressed)
            .unwrap();
        let label = |name: &str, value: &str| {
            let mut label = vec![0x0a, name.len() as u8];
            label.extend_from_slice(name.as_bytes());
            label.extend_from_slice(&[0x12, value.len() as u8]);
            label.extend_from_slice(value.as_bytes());
            let mut field = vec![0x0a, label.len() as u8];
            field.extend(label);
            field
        };
        let mut series = Vec::new();
        // Sorted: `__name__`, `instance`, then the series' own `job`.
        series.extend(label("__name__", "up"));
        series.extend(label("instance", "i"));
        series.extend(label("job", "own"));
        // Sample: value 1.0 as fixed64, timestamp 300 as varint (0xac 0x02).
        let mut sample = vec![0x09];
        sample.extend_from_slice(&1.0f64.to_le_bytes());
        sample.extend_from_slice(&[0x10, 0xac, 0x02]);
        series.extend_from_slice(&[0x12, sample.len() as u8]);
        series.extend(sample);
        let mut expected = vec![0x0a, series.len() as u8];
        expected.extend(series);
        assert_eq!(request, expected);
    }
}
