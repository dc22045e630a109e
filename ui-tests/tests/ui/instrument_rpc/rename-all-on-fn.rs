use vitals::instrument_rpc;

#[instrument_rpc(rename_all = "PascalCase")]
fn get_user() {}

fn main() {}
