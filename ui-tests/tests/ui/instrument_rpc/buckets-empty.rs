use vitals::instrument_rpc;

#[instrument_rpc(buckets = [])]
fn handler() {}

fn main() {}
