use vitals::instrument_rpc;

#[instrument_rpc(labels(region = ""))]
fn handler() {}

fn main() {}
