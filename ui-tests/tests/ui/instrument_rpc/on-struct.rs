use vitals::instrument_rpc;

#[instrument_rpc]
struct Handler;

fn main() {}
