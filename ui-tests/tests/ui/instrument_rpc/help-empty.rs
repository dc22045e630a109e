use vitals::instrument_rpc;

#[instrument_rpc(prefix = "shop", help = " ")]
fn checkout() {}

fn main() {}
