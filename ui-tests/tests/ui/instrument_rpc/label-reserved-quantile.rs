use vitals::instrument_rpc;

#[instrument_rpc(labels(quantile = "0.99"))]
fn handler() {}

fn main() {}
