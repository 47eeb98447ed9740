//! Signing per the Standard Webhooks specification: a secret is `whsec_` and a base64 key; a message is
//! signed with HMAC-SHA256 over `{id}.{timestamp}.{body}` with the decoded key, and the `webhook-signature`
//! header holds `v1,` and the base64 signature.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use sha2::Sha256;

/// What every signing secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";

/// How many random bytes a new secret's key has (the specification asks for 24 to 64).
const KEY_BYTES: usize = 32;

/// A secret that is not `whsec_` followed by base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a webhook secret is `whsec_` followed by a base64 key")]
pub struct MalformedSecret;

/// A fresh random secret, `whsec_` and base64.
pub fn new_secret() -> String {
    let mut key = [0u8; KEY_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut key);
    format!("{SECRET_PREFIX}{}", STANDARD.encode(key))
}

/// The `webhook-signature` header's value for a message: `v1,` and the base64 HMAC-SHA256 of
/// `{id}.{timestamp}.{body}` under the key that `secret` holds.
pub fn sign(
    secret: &str,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> Result<String, MalformedSecret> {
    let key = secret
        .strip_prefix(SECRET_PREFIX)
        .and_then(|encoded| STANDARD.decode(encoded).ok())
        .filter(|key| !key.is_empty())
        .ok_or(MalformedSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| MalformedSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vector the Standard Webhooks specification publishes.
    #[test]
    fn signs_the_specifications_test_vector() {
        let signature = sign(
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
            1_649_367_553,
            br#"{"email":"test@example.com","username":"test_user"}"#,
        );
        assert_eq!(
            signature.as_deref(),
            Ok("v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=")
        );
    }

    #[test]
    fn a_changed_body_or_secret_changes_the_signature() {
        let secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        let signed = |secret: &str, body: &[u8]| sign(secret, "msg_1", 1, body);
        assert_ne!(signed(secret, b"{}"), signed(secret, b"{ }"));
        assert_ne!(signed(secret, b"{}"), signed(&new_secret(), b"{}"));
    }

    #[test]
    fn refuses_malformed_secrets() {
        for secret in ["C2FVsBQIhrscChlQIMV", "whsec_", "whsec_not base64!"] {
            assert_eq!(
                sign(secret, "msg_1", 1, b"{}"),
                Err(MalformedSecret),
                "{secret}"
            );
        }
    }

    #[test]
    fn new_secrets_are_distinct_and_well_formed() {
        let (one, two) = (new_secret(), new_secret());
        assert_ne!(one, two);
        assert!(sign(&one, "msg_1", 1, b"{}").is_ok());
        assert_eq!(
            STANDARD
                .decode(&one[SECRET_PREFIX.len()..])
                .map(|key| key.len()),
            Ok(KEY_BYTES)
        );
    }
}
