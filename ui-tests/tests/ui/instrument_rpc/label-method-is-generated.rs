use vitals::instrument_rpc;

#[instrument_rpc(labels(method = "Get"))]
fn handler() {}

fn main() {}
