use vitals::instrument_rpc;

struct Service;

#[instrument_rpc]
impl Service {
    #[instrument_rpc(method = "A")]
    #[instrument_rpc(method = "B")]
    fn get(&self) {}
}

fn main() {}
