use vitals::instrument_rpc;

#[instrument_rpc(skip)]
fn handler() {}

fn main() {}
