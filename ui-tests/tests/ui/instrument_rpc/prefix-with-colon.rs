use vitals::instrument_rpc;

#[instrument_rpc(prefix = "job:requests")]
fn handler() {}

fn main() {}
