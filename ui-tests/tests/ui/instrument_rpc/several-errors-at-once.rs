use vitals::instrument_rpc;

#[instrument_rpc(prefix = "bad-prefix", buckets = [2, 1], labels(le = "x"), colour = "blue")]
fn handler() {}

fn main() {}
