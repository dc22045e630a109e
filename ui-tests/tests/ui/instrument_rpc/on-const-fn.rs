use vitals::instrument_rpc;

#[instrument_rpc]
const fn answer() -> u32 {
    42
}

fn main() {}
