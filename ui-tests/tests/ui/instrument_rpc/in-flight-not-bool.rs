use vitals::instrument_rpc;

#[instrument_rpc(in_flight = "no")]
fn handler() {}

fn main() {}
