use vitals::instrument_rpc;

#[instrument_rpc(buckets = [0.1, 1, 0.5])]
fn handler() {}

fn main() {}
