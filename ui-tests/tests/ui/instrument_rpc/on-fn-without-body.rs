use vitals::instrument_rpc;

trait Service {
    #[instrument_rpc]
    fn get(&self);
}

fn main() {}
