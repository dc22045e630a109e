use vitals::instrument_rpc;

#[instrument_rpc(buckets = [0.1, 1e999])]
fn handler() {}

fn main() {}
