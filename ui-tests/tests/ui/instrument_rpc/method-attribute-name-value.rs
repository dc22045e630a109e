use vitals::instrument_rpc;

struct Service;

#[instrument_rpc]
impl Service {
    #[instrument_rpc = "Get"]
    fn get(&self) {}
}

fn main() {}
