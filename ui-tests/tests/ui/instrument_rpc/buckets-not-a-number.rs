use vitals::instrument_rpc;

const SLOW: f64 = 10.0;

#[instrument_rpc(buckets = [0.1, SLOW])]
fn handler() {}

fn main() {}
