use vitals::instrument_rpc;

#[instrument_rpc(prefix = "my-service")]
fn handler() {}

fn main() {}
