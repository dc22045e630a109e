use vitals::instrument_rpc;

#[instrument_rpc(name = "requests")]
fn handler() {}

fn main() {}
