use vitals::instrument_rpc;

#[instrument_rpc(labels(le = "0.5"))]
fn handler() {}

fn main() {}
