use vitals::instrument_rpc;

#[instrument_rpc(labels(__name__ = "other"))]
fn handler() {}

fn main() {}
