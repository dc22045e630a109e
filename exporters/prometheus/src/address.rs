//! Listen addresses from text: builder arguments, environment variables, flags.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

/// The default listen address: every interface, port 9090.
pub const DEFAULT_ADDRESS: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 9090);

/// Parses `host:port`, `[v6]:port`, `:port` or a bare `port` (the last two
/// listen on every interface). A host name is resolved, first address wins.
///
/// ```
/// use vitals_prometheus::parse_listen_address;
/// assert_eq!(parse_listen_address("127.0.0.1:9100").unwrap().to_string(), "127.0.0.1:9100");
/// assert_eq!(parse_listen_address(":9944").unwrap().to_string(), "0.0.0.0:9944");
/// assert_eq!(parse_listen_address("9091").unwrap().to_string(), "0.0.0.0:9091");
/// assert!(parse_listen_address("localhost:http").is_err());
/// ```
pub fn parse_listen_address(value: &str) -> Result<SocketAddr, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("empty".to_owned());
    }
    if let Ok(port) = value.trim_start_matches(':').parse::<u16>() {
        if !value.contains(':') || value.starts_with(':') && value.matches(':').count() == 1 {
            return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port));
        }
    }
    if value.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("port `{value}` is not a number from 0 to 65535"));
    }
    if let Ok(address) = value.parse::<SocketAddr>() {
        return Ok(address);
    }
    let Some((host, port)) = value.rsplit_once(':') else {
        return Err("no port".to_owned());
    };
    let port: u16 = port
        .parse()
        .map_err(|_| format!("port `{port}` is not a number from 0 to 65535"))?;
    if host.is_empty() {
        return Err("no host".to_owned());
    }
    (host, port)
        .to_socket_addrs()
        .map_err(|error| format!("cannot resolve `{host}`: {error}"))?
        .next()
        .ok_or_else(|| format!("`{host}` resolves to no address"))
}

#[cfg(test)]
mod tests {
    use super::parse_listen_address;

    #[test]
    fn accepted_forms() {
        assert_eq!(
            parse_listen_address("[::1]:9090").unwrap().to_string(),
            "[::1]:9090"
        );
        assert_eq!(
            parse_listen_address(" 0.0.0.0:1 ").unwrap().to_string(),
            "0.0.0.0:1"
        );
        assert!(
            parse_listen_address("localhost:9090")
                .unwrap()
                .ip()
                .is_loopback()
        );
    }

    #[test]
    fn rejected_forms_say_why() {
        assert_eq!(parse_listen_address("").unwrap_err(), "empty");
        assert_eq!(parse_listen_address("127.0.0.1").unwrap_err(), "no port");
        assert_eq!(
            parse_listen_address("127.0.0.1:99999").unwrap_err(),
            "port `99999` is not a number from 0 to 65535"
        );
        assert_eq!(
            parse_listen_address("70000").unwrap_err(),
            "port `70000` is not a number from 0 to 65535"
        );
        assert_eq!(
            parse_listen_address(":x").unwrap_err(),
            "port `x` is not a number from 0 to 65535"
        );
    }
}
