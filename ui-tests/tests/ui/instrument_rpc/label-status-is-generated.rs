use vitals::instrument_rpc;

#[instrument_rpc(labels(status = "ok"))]
fn handler() {}

fn main() {}
