//! The gRPC user API and mesh API. Their metrics come from one
//! `GrpcMetricsLayer` on each server: go-grpc-middleware's `grpc_server_*`
//! series, told apart by `grpc_service`.

use tonic::{Request, Response, Status};

use crate::proto::{
    self, ActivationRequest, ActivationResponse, GetManifestRequest, GetManifestResponse,
    NewMeshCertRequest, NewMeshCertResponse, SetManifestRequest, SetManifestResponse,
};
use crate::state::{Coordinator, Refusal};

impl From<Refusal> for Status {
    fn from(refusal: Refusal) -> Self {
        let message = refusal.to_string();
        match refusal {
            Refusal::WrongState(_) => Status::failed_precondition(message),
            Refusal::Invalid(_) => Status::invalid_argument(message),
            Refusal::Attestation(_) => Status::permission_denied(message),
            Refusal::UnknownMarble => Status::not_found(message),
        }
    }
}

/// The user API: `SetManifest`, `GetManifest`.
pub(crate) struct UserApi(pub(crate) Coordinator);

#[tonic::async_trait]
impl proto::user_api_server::UserApi for UserApi {
    async fn set_manifest(
        &self,
        request: Request<SetManifestRequest>,
    ) -> Result<Response<SetManifestResponse>, Status> {
        let generation = self.0.set_manifest(&request.into_inner().manifest)?;
        Ok(Response::new(SetManifestResponse { generation }))
    }

    async fn get_manifest(
        &self,
        _request: Request<GetManifestRequest>,
    ) -> Result<Response<GetManifestResponse>, Status> {
        let (manifest, generation) = self.0.manifest()?;
        Ok(Response::new(GetManifestResponse {
            manifest,
            generation,
        }))
    }
}

/// The mesh API: `Activate` (marble activation), `NewMeshCert`.
pub(crate) struct MeshApi(pub(crate) Coordinator);

#[tonic::async_trait]
impl proto::mesh_api_server::MeshApi for MeshApi {
    async fn activate(
        &self,
        request: Request<ActivationRequest>,
    ) -> Result<Response<ActivationResponse>, Status> {
        let request = request.into_inner();
        let certificate = self
            .0
            .activate(&request.marble_type, &request.uuid, &request.quote)?;
        tracing::info!(marble_type = %request.marble_type, uuid = %request.uuid, "marble activated");
        Ok(Response::new(ActivationResponse { certificate }))
    }

    async fn new_mesh_cert(
        &self,
        request: Request<NewMeshCertRequest>,
    ) -> Result<Response<NewMeshCertResponse>, Status> {
        let certificate = self.0.mesh_certificate(&request.into_inner().uuid)?;
        Ok(Response::new(NewMeshCertResponse { certificate }))
    }
}
