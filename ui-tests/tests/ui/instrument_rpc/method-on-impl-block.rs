use vitals::instrument_rpc;

struct Service;

#[instrument_rpc(method = "Everything")]
impl Service {
    fn get(&self) {}
}

fn main() {}
