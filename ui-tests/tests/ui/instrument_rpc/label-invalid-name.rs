use vitals::instrument_rpc;

#[instrument_rpc(labels(région = "eu"))]
fn handler() {}

fn main() {}
