use vitals::instrument_rpc;

#[instrument_rpc(prefix = "shop")]
async fn checkout(total: u64) -> u64 {
    let doubled = total * ;
    doubled
}

struct Cart;

#[instrument_rpc(prefix = "shop")]
impl Cart {
    fn add(&self, item: u64) -> u64 {
        item +
    }
}

fn main() {}
