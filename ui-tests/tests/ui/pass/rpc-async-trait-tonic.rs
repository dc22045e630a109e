//! The attribute on a `#[tonic::async_trait]` impl, in both orders, with
//! every kind of `self` receiver the trait can have.

use vitals::instrument_rpc;

#[async_trait::async_trait]
trait Jobs {
    async fn submit(&self, payload: Vec<u8>) -> Result<u64, tonic::Status>;
    async fn cancel(&mut self, id: u64) -> Result<(), tonic::Status>;
}

struct First(u64);
struct Second(u64);

#[instrument_rpc(prefix = "first", rename_all = "PascalCase")]
#[async_trait::async_trait]
impl Jobs for First {
    async fn submit(&self, payload: Vec<u8>) -> Result<u64, tonic::Status> {
        Ok(self.0 + payload.len() as u64)
    }
    async fn cancel(&mut self, id: u64) -> Result<(), tonic::Status> {
        self.0 = id;
        Ok(())
    }
}

#[async_trait::async_trait]
#[instrument_rpc(prefix = "second", rename_all = "PascalCase")]
impl Jobs for Second {
    async fn submit(&self, payload: Vec<u8>) -> Result<u64, tonic::Status> {
        Ok(self.0 + payload.len() as u64)
    }
    async fn cancel(&mut self, id: u64) -> Result<(), tonic::Status> {
        self.0 = id;
        Ok(())
    }
}

fn main() {
    let _ = (First(0), Second(0));
}
