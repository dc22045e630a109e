use vitals::instrument_rpc;

struct Service;

#[instrument_rpc(rename_all = "Title Case")]
impl Service {
    fn get_user(&self) {}
}

fn main() {}
