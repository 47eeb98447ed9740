//! Where webhooks may be sent: an endpoint's address must be public unless the configuration allows loopback,
//! private or link-local ranges (`GROUNDWORK_WEBHOOK_ALLOW`). The check runs on the addresses a name resolves
//! to, at the moment of sending, and the connection goes to exactly those addresses, so a name that resolves
//! to an inside address (or starts doing so later) is refused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The address ranges webhooks may go to besides public addresses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AllowedRanges {
    pub loopback: bool,
    pub private: bool,
    pub link_local: bool,
}

/// A range an address is in that webhooks may not reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Loopback,
    Private,
    LinkLocal,
    /// Multicast, broadcast and reserved addresses: never allowed.
    Reserved,
}

impl Range {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Loopback => "a loopback address",
            Self::Private => "a private address",
            Self::LinkLocal => "a link-local address",
            Self::Reserved => "a multicast, broadcast or reserved address",
        }
    }
}

impl AllowedRanges {
    /// Reads a comma-separated list of `loopback`, `private` and `link-local` (empty: only public addresses).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut allowed = Self::default();
        for name in text
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            match name.to_ascii_lowercase().as_str() {
                "loopback" => allowed.loopback = true,
                "private" => allowed.private = true,
                "link-local" => allowed.link_local = true,
                other => {
                    return Err(format!(
                        "`{other}` is not an address range (loopback, private, link-local)"
                    ))
                }
            }
        }
        Ok(allowed)
    }

    /// `Err` with the range when webhooks may not go to `address`.
    pub fn check(&self, address: IpAddr) -> Result<(), Range> {
        match classify(address) {
            None => Ok(()),
            Some(Range::Loopback) if self.loopback => Ok(()),
            Some(Range::Private) if self.private => Ok(()),
            Some(Range::LinkLocal) if self.link_local => Ok(()),
            Some(range) => Err(range),
        }
    }
}

/// The non-public range `address` is in, if any.
pub fn classify(address: IpAddr) -> Option<Range> {
    match address {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(address: Ipv4Addr) -> Option<Range> {
    let [a, b, ..] = address.octets();
    if address.is_loopback() || address.is_unspecified() {
        // 0.0.0.0 reaches the host itself.
        Some(Range::Loopback)
    } else if address.is_private() || (a == 100 && (64..128).contains(&b)) {
        // 10/8, 172.16/12, 192.168/16 and the shared address space 100.64/10.
        Some(Range::Private)
    } else if address.is_link_local() {
        Some(Range::LinkLocal)
    } else if address.is_multicast() || address.is_broadcast() || a == 0 || a >= 240 {
        Some(Range::Reserved)
    } else {
        None
    }
}

fn classify_v6(address: Ipv6Addr) -> Option<Range> {
    let first = address.segments()[0];
    if address.is_loopback() || address.is_unspecified() {
        Some(Range::Loopback)
    } else if first & 0xfe00 == 0xfc00 {
        // Unique local addresses, fc00::/7.
        Some(Range::Private)
    } else if first & 0xffc0 == 0xfe80 {
        Some(Range::LinkLocal)
    } else if address.is_multicast() {
        Some(Range::Reserved)
    } else {
        None
    }
}

/// reqwest's resolver for webhooks: resolves a name and refuses it when any address it resolves to is in
/// a range the configuration does not allow.
#[derive(Debug, Clone, Copy)]
pub struct CheckedResolver {
    pub allowed: AllowedRanges,
}

/// A name that resolved to an address webhooks may not reach.
#[derive(Debug, thiserror::Error)]
#[error("{name} resolves to {range}, which webhooks may not reach", range = range.describe())]
pub struct RefusedAddress {
    pub name: String,
    pub range: Range,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(resolve_checked(name.as_str().to_string(), self.allowed))
    }
}

/// Resolves `host` and refuses it when any of its addresses is in a range `allowed` does not permit.
async fn resolve_checked(
    host: String,
    allowed: AllowedRanges,
) -> Result<reqwest::dns::Addrs, Box<dyn std::error::Error + Send + Sync>> {
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
    for address in &addresses {
        if let Err(range) = allowed.check(address.ip()) {
            return Err(Box::new(RefusedAddress { name: host, range }));
        }
    }
    Ok(Box::new(addresses.into_iter()))
}

/// The longest endpoint URL accepted.
pub const MAX_URL_LENGTH: usize = 2_000;

/// Checks an endpoint URL as an admin gives it: `http` or `https`, a host, no user name or password, and,
/// when the host is an address (or `localhost`), one the configuration allows. A name is checked again,
/// resolved, whenever something is sent.
pub fn check_url(text: &str, allowed: AllowedRanges) -> Result<reqwest::Url, String> {
    let text = text.trim();
    if text.len() > MAX_URL_LENGTH {
        return Err(format!("at most {MAX_URL_LENGTH} characters"));
    }
    let url = reqwest::Url::parse(text).map_err(|error| format!("not a URL ({error})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("the scheme must be http or https".to_string());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "no user name or password in the URL; authenticate with the signature".to_string(),
        );
    }
    let refused = |range: Range| {
        format!(
            "the host is {}, which webhooks may not reach",
            range.describe()
        )
    };
    match url.host() {
        None => return Err("the URL has no host".to_string()),
        Some(url::Host::Ipv4(address)) => allowed.check(IpAddr::V4(address)).map_err(refused)?,
        Some(url::Host::Ipv6(address)) => allowed.check(IpAddr::V6(address)).map_err(refused)?,
        Some(url::Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if name == "localhost" || name.ends_with(".localhost") {
                allowed
                    .check(IpAddr::V4(Ipv4Addr::LOCALHOST))
                    .map_err(refused)?;
            }
        }
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_ranges_are_refused_unless_allowed() {
        let none = AllowedRanges::default();
        for (address, range) in [
            ("127.0.0.1", Range::Loopback),
            ("0.0.0.0", Range::Loopback),
            ("::1", Range::Loopback),
            ("10.1.2.3", Range::Private),
            ("172.16.0.1", Range::Private),
            ("192.168.1.1", Range::Private),
            ("100.64.0.1", Range::Private),
            ("fd00::1", Range::Private),
            ("169.254.169.254", Range::LinkLocal),
            ("fe80::1", Range::LinkLocal),
            ("::ffff:127.0.0.1", Range::Loopback),
            ("::ffff:169.254.169.254", Range::LinkLocal),
            ("224.0.0.1", Range::Reserved),
            ("255.255.255.255", Range::Reserved),
        ] {
            let ip: IpAddr = address.parse().unwrap_or_else(|_| panic!("{address}"));
            assert_eq!(none.check(ip), Err(range), "{address}");
        }
        for address in [
            "93.184.216.34",
            "2606:2800:220:1:248:1893:25c8:1946",
            "172.32.0.1",
        ] {
            let ip: IpAddr = address.parse().unwrap_or_else(|_| panic!("{address}"));
            assert_eq!(none.check(ip), Ok(()), "{address}");
        }
        let loopback = AllowedRanges::parse("loopback").expect("parses");
        assert_eq!(
            loopback.check("127.0.0.1".parse().expect("an address")),
            Ok(())
        );
        assert_eq!(
            loopback.check("10.0.0.1".parse().expect("an address")),
            Err(Range::Private)
        );
        assert!(AllowedRanges::parse("everything").is_err());
    }

    #[tokio::test]
    async fn the_resolver_refuses_a_name_that_resolves_inside() {
        let refused = resolve_checked("localhost".to_string(), AllowedRanges::default()).await;
        let error = refused.err().expect("localhost is refused");
        assert!(error.to_string().contains("loopback"), "{error}");
        let loopback = AllowedRanges::parse("loopback").expect("parses");
        let allowed = resolve_checked("localhost".to_string(), loopback).await;
        assert!(allowed
            .expect("localhost is allowed")
            .all(|address| address.ip().is_loopback()));
    }

    #[test]
    fn urls_are_checked_as_given() {
        let none = AllowedRanges::default();
        assert!(check_url("https://hooks.example.org/in", none).is_ok());
        assert!(check_url("ftp://hooks.example.org/in", none).is_err());
        assert!(check_url("https://user:pw@hooks.example.org/in", none).is_err());
        assert!(check_url("http://127.0.0.1:9000/in", none).is_err());
        assert!(check_url("http://localhost:9000/in", none).is_err());
        assert!(check_url("http://[::1]/in", none).is_err());
        assert!(check_url("http://169.254.169.254/latest", none).is_err());
        let loopback = AllowedRanges::parse("loopback").expect("parses");
        assert!(check_url("http://127.0.0.1:9000/in", loopback).is_ok());
    }
}
