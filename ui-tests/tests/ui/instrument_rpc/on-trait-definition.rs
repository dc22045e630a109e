use vitals::instrument_rpc;

#[instrument_rpc]
trait Service {
    fn get(&self);
}

fn main() {}
