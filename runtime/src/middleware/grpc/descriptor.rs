//! Just enough protobuf decoding to list the services and methods of an
//! encoded `google.protobuf.FileDescriptorSet`, without a protobuf runtime.

use super::methods::{GrpcMethod, GrpcType};
use crate::declare::ConfigError;

/// Field numbers of `descriptor.proto` this reader needs.
mod field {
    pub(super) const SET_FILE: u64 = 1;
    pub(super) const FILE_PACKAGE: u64 = 2;
    pub(super) const FILE_SERVICE: u64 = 6;
    pub(super) const SERVICE_NAME: u64 = 1;
    pub(super) const SERVICE_METHOD: u64 = 2;
    pub(super) const METHOD_NAME: u64 = 1;
    pub(super) const METHOD_CLIENT_STREAMING: u64 = 5;
    pub(super) const METHOD_SERVER_STREAMING: u64 = 6;
}

/// A field's value, as far as this reader cares.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Other,
}

/// Iterates over the fields of one encoded message.
struct Fields<'a> {
    rest: &'a [u8],
}

impl<'a> Fields<'a> {
    fn varint(&mut self) -> Result<u64, &'static str> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.rest.split_first().ok_or("truncated varint")?;
            self.rest = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("varint longer than 10 bytes")
    }

    fn skip(&mut self, len: usize) -> Result<&'a [u8], &'static str> {
        if len > self.rest.len() {
            return Err("truncated field");
        }
        let (head, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(head)
    }

    fn next_field(&mut self) -> Option<Result<(u64, Value<'a>), &'static str>> {
        if self.rest.is_empty() {
            return None;
        }
        Some(self.read_field())
    }

    fn read_field(&mut self) -> Result<(u64, Value<'a>), &'static str> {
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => self.skip(8).map(|_| Value::Other)?,
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| "length overflows")?;
                Value::Bytes(self.skip(len)?)
            }
            5 => self.skip(4).map(|_| Value::Other)?,
            _ => return Err("unsupported wire type"),
        };
        Ok((key >> 3, value))
    }
}

/// Calls `each` with every (field number, value) of `message`.
fn for_each<'a>(
    message: &'a [u8],
    mut each: impl FnMut(u64, Value<'a>),
) -> Result<(), &'static str> {
    let mut fields = Fields { rest: message };
    while let Some(field) = fields.next_field() {
        let (number, value) = field?;
        each(number, value);
    }
    Ok(())
}

fn text(bytes: &[u8]) -> Result<String, &'static str> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|_| "a name is not UTF-8")
}

pub(super) fn methods(set: &[u8]) -> Result<Vec<GrpcMethod>, &'static str> {
    let mut files = Vec::new();
    for_each(set, |number, value| {
        if let (field::SET_FILE, Value::Bytes(file)) = (number, value) {
            files.push(file);
        }
    })?;
    let mut methods = Vec::new();
    for file in files {
        let mut package = String::new();
        let mut services = Vec::new();
        let mut error = Ok(());
        for_each(file, |number, value| match (number, value) {
            (field::FILE_PACKAGE, Value::Bytes(bytes)) => {
                error = text(bytes).map(|name| package = name)
            }
            (field::FILE_SERVICE, Value::Bytes(service)) => services.push(service),
            _ => {}
        })?;
        error?;
        for service in services {
            service_methods(&package, service, &mut methods)?;
        }
    }
    Ok(methods)
}

fn service_methods(
    package: &str,
    service: &[u8],
    out: &mut Vec<GrpcMethod>,
) -> Result<(), &'static str> {
    let mut name = String::new();
    let mut encoded = Vec::new();
    let mut error = Ok(());
    for_each(service, |number, value| match (number, value) {
        (field::SERVICE_NAME, Value::Bytes(bytes)) => error = text(bytes).map(|text| name = text),
        (field::SERVICE_METHOD, Value::Bytes(method)) => encoded.push(method),
        _ => {}
    })?;
    error?;
    let service = if package.is_empty() {
        name
    } else {
        format!("{package}.{name}")
    };
    for method in encoded {
        let (mut name, mut client, mut server) = (String::new(), false, false);
        let mut error = Ok(());
        for_each(method, |number, value| match (number, value) {
            (field::METHOD_NAME, Value::Bytes(bytes)) => {
                error = text(bytes).map(|text| name = text)
            }
            (field::METHOD_CLIENT_STREAMING, Value::Varint(flag)) => client = flag != 0,
            (field::METHOD_SERVER_STREAMING, Value::Varint(flag)) => server = flag != 0,
            _ => {}
        })?;
        error?;
        out.push(GrpcMethod::new(
            service.clone(),
            name,
            GrpcType::from_streaming(client, server),
        ));
    }
    Ok(())
}

/// Every method of every service in an encoded `FileDescriptorSet`: the
/// bytes `tonic-prost-build`'s `file_descriptor_set_path` writes (the same
/// bytes tonic-reflection serves).
///
/// ```
/// use vitals::middleware::grpc::{GrpcType, methods_from_descriptor_set};
///
/// // An empty set has no methods; a truncated one is an error.
/// assert!(methods_from_descriptor_set(&[]).unwrap().is_empty());
/// assert!(methods_from_descriptor_set(&[0x0a, 0x05]).is_err());
/// # let _ = GrpcType::Unary;
/// ```
pub fn methods_from_descriptor_set(bytes: &[u8]) -> Result<Vec<GrpcMethod>, ConfigError> {
    methods(bytes).map_err(|error| {
        ConfigError::new(format!("the file descriptor set does not decode: {error}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(number: u64, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![
            u8::try_from(number << 3 | 2).unwrap(),
            u8::try_from(bytes.len()).unwrap(),
        ];
        out.extend_from_slice(bytes);
        out
    }

    #[test]
    fn lists_methods_with_their_kinds() {
        let method = |name: &str, client: u8, server: u8| {
            [
                field(1, name.as_bytes()),
                vec![5 << 3, client, 6 << 3, server],
            ]
            .concat()
        };
        let service = [
            field(1, b"Echo"),
            field(2, &method("Say", 0, 0)),
            field(2, &method("Chat", 1, 1)),
        ]
        .concat();
        let file = [
            field(1, b"echo.proto"),
            field(2, b"test.v1"),
            field(6, &service),
        ]
        .concat();
        let set = field(1, &file);
        let methods = methods(&set).unwrap();
        assert_eq!(
            methods,
            [
                GrpcMethod::new("test.v1.Echo", "Say", GrpcType::Unary),
                GrpcMethod::new("test.v1.Echo", "Chat", GrpcType::BidiStream),
            ]
        );
    }
}
