use vitals::instrument_rpc;

#[instrument_rpc(labels(a::b = "x"))]
fn handler() {}

fn main() {}
