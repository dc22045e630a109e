use vitals::instrument_rpc;

#[instrument_rpc(labels(api = "public", api = "admin"))]
fn handler() {}

fn main() {}
