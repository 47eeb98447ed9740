//! Crypto shredding: a master key wraps one random data key per person, and every personal value in a
//! stream's JSON is sealed with the key of the stream's data subject. Destroying a person's data key erases
//! all their personal data at once, wherever it was copied in the log.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use domain::sensitive::PERSONAL_MARKER;
use rand::rngs::OsRng;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde_json::{Map, Value};
use std::fmt;
use uuid::Uuid;

use crate::error::StoreError;

/// The JSON key that marks a sealed personal value in stored events and snapshots.
pub const SEALED_MARKER: &str = "$sealed";

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

/// The key that wraps every person's data key. Never printed, zeroed on drop.
pub struct MasterKey(SecretBox<[u8; KEY_LEN]>);

impl MasterKey {
    /// A fresh random master key, for `groundwork init` style tooling and tests.
    pub fn generate() -> Self {
        Self(SecretBox::init_with_mut(|bytes: &mut [u8; KEY_LEN]| {
            OsRng.fill_bytes(bytes)
        }))
    }

    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(SecretBox::new(Box::new(bytes)))
    }

    /// Parses the standard base64 form (44 characters) of a 32-byte key.
    pub fn from_base64(text: &str) -> Result<Self, StoreError> {
        let decoded = BASE64
            .decode(text.trim())
            .map_err(|_| StoreError::InvalidMasterKey {
                reason: "it is not valid base64".to_string(),
            })?;
        let bytes: [u8; KEY_LEN] =
            decoded
                .as_slice()
                .try_into()
                .map_err(|_| StoreError::InvalidMasterKey {
                    reason: format!("it must be {KEY_LEN} bytes, found {}", decoded.len()),
                })?;
        Ok(Self::from_bytes(bytes))
    }

    /// The base64 form, still wrapped so it is not printed by accident.
    pub fn to_base64(&self) -> SecretString {
        SecretString::from(BASE64.encode(self.0.expose_secret()))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.expose_secret().into())
    }
}

impl Clone for MasterKey {
    fn clone(&self) -> Self {
        Self::from_bytes(*self.0.expose_secret())
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// One person's data key.
pub(crate) struct DataKey(SecretBox<[u8; KEY_LEN]>);

impl DataKey {
    pub(crate) fn generate() -> Self {
        Self(SecretBox::init_with_mut(|bytes: &mut [u8; KEY_LEN]| {
            OsRng.fill_bytes(bytes)
        }))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.expose_secret().into())
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Encrypts with a random nonce and returns `nonce || ciphertext`. XChaCha's 24-byte nonces make random
/// nonces safe for any realistic number of messages per key.
fn encrypt(cipher: &XChaCha20Poly1305, plaintext: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .ok()?;
    let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    Some(out)
}

fn decrypt(cipher: &XChaCha20Poly1305, sealed: &[u8], aad: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad,
            },
        )
        .ok()
}

/// The additional authenticated data binds every ciphertext to its person, so a sealed value or wrapped
/// key copied to another person's stream or row cannot be opened there.
fn person_aad(person: Uuid) -> [u8; 16] {
    *person.as_bytes()
}

/// Wraps a person's data key with the master key, for storage in `person_keys`.
pub(crate) fn wrap_key(
    master: &MasterKey,
    person: Uuid,
    key: &DataKey,
) -> Result<Vec<u8>, StoreError> {
    encrypt(&master.cipher(), key.0.expose_secret(), &person_aad(person)).ok_or_else(|| {
        StoreError::CorruptSealedData {
            location: format!("key of person {person}"),
            reason: "encryption failed".to_string(),
        }
    })
}

/// Unwraps a stored data key. Failure almost always means the master key is not the one that wrapped it.
pub(crate) fn unwrap_key(
    master: &MasterKey,
    person: Uuid,
    wrapped: &[u8],
) -> Result<DataKey, StoreError> {
    let plain = decrypt(&master.cipher(), wrapped, &person_aad(person))
        .ok_or(StoreError::WrongMasterKey { person_id: person })?;
    let bytes: [u8; KEY_LEN] =
        plain
            .as_slice()
            .try_into()
            .map_err(|_| StoreError::CorruptSealedData {
                location: format!("key of person {person}"),
                reason: format!("unwrapped key has {} bytes", plain.len()),
            })?;
    Ok(DataKey(SecretBox::new(Box::new(bytes))))
}

/// Seals a secret the installation must read back (a webhook's signing secret) with the master key, bound to
/// `context` (what it belongs to, so it cannot be moved to another row): base64 of `nonce || ciphertext`.
pub(crate) fn seal_secret(
    master: &MasterKey,
    context: &str,
    secret: &str,
) -> Result<String, StoreError> {
    use base64::Engine as _;
    let sealed =
        encrypt(&master.cipher(), secret.as_bytes(), context.as_bytes()).ok_or_else(|| {
            StoreError::CorruptSealedData {
                location: context.to_string(),
                reason: "encryption failed".to_string(),
            }
        })?;
    Ok(base64::engine::general_purpose::STANDARD.encode(sealed))
}

/// Opens a secret sealed by [`seal_secret`] for the same `context`.
pub(crate) fn open_secret(
    master: &MasterKey,
    context: &str,
    sealed: &str,
) -> Result<String, StoreError> {
    use base64::Engine as _;
    let corrupt = |reason: &str| StoreError::CorruptSealedData {
        location: context.to_string(),
        reason: reason.to_string(),
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .map_err(|_| corrupt("not base64"))?;
    let plain = decrypt(&master.cipher(), &bytes, context.as_bytes())
        .ok_or_else(|| corrupt("cannot be opened with this master key"))?;
    String::from_utf8(plain).map_err(|_| corrupt("not text"))
}

/// Returns the object's single value when it is a `{"$personal": v}` marker.
fn personal_marker(object: &Map<String, Value>) -> Option<&Value> {
    if object.len() == 1 {
        object.get(PERSONAL_MARKER)
    } else {
        None
    }
}

/// Whether the JSON holds a personal value that needs a key (an erased `{"$personal": null}` does not).
pub(crate) fn needs_key(value: &Value) -> bool {
    match value {
        Value::Object(object) => match personal_marker(object) {
            Some(inner) => !inner.is_null(),
            None => object.values().any(needs_key),
        },
        Value::Array(items) => items.iter().any(needs_key),
        _ => false,
    }
}

/// Replaces every `{"$personal": v}` with `{"$sealed": base64(nonce || ciphertext of v's JSON)}`.
///
/// `key` is `None` for streams without a data subject: then any non-null personal value is an error, so
/// plaintext personal data can never reach the database. Erased values (`null`) stay as they are: there is
/// nothing left to hide. A stray `$sealed` key in input is refused because it would be mistaken for a
/// sealed value when read back.
pub(crate) fn seal_json(
    value: &mut Value,
    subject: Option<(Uuid, &DataKey)>,
    stream: &str,
) -> Result<(), StoreError> {
    match value {
        Value::Object(object) => {
            if object.contains_key(SEALED_MARKER) {
                return Err(StoreError::InvalidAppend {
                    reason: format!(
                        "stream {stream}: data must not contain the reserved key `{SEALED_MARKER}`"
                    ),
                });
            }
            if object.contains_key(PERSONAL_MARKER) {
                let Some(inner) = personal_marker(object) else {
                    return Err(StoreError::InvalidAppend {
                        reason: format!(
                            "stream {stream}: a `{PERSONAL_MARKER}` object must have no other keys"
                        ),
                    });
                };
                if inner.is_null() {
                    return Ok(());
                }
                let Some((person, key)) = subject else {
                    return Err(StoreError::PersonalDataWithoutSubject {
                        stream: stream.to_string(),
                    });
                };
                let plaintext =
                    serde_json::to_vec(inner).map_err(|source| StoreError::Serialize {
                        what: "personal value".to_string(),
                        source,
                    })?;
                let sealed =
                    encrypt(&key.cipher(), &plaintext, &person_aad(person)).ok_or_else(|| {
                        StoreError::CorruptSealedData {
                            location: format!("stream {stream}"),
                            reason: "encryption failed".to_string(),
                        }
                    })?;
                let mut replacement = Map::new();
                replacement.insert(
                    SEALED_MARKER.to_string(),
                    Value::String(BASE64.encode(sealed)),
                );
                *object = replacement;
                return Ok(());
            }
            for child in object.values_mut() {
                seal_json(child, subject, stream)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for item in items {
                seal_json(item, subject, stream)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Whether `seal_json` has anything to do (or to refuse) in the JSON: any object with a personal or a
/// sealed marker. Most events hold neither and are stored as they are.
pub(crate) fn has_markers(value: &Value) -> bool {
    match value {
        Value::Object(object) => {
            object.contains_key(PERSONAL_MARKER)
                || object.contains_key(SEALED_MARKER)
                || object.values().any(has_markers)
        }
        Value::Array(items) => items.iter().any(has_markers),
        _ => false,
    }
}

/// Whether the stored JSON holds any sealed value (so opening it needs the subject's key).
pub(crate) fn has_sealed(value: &Value) -> bool {
    match value {
        Value::Object(object) => {
            object.contains_key(SEALED_MARKER) || object.values().any(has_sealed)
        }
        Value::Array(items) => items.iter().any(has_sealed),
        _ => false,
    }
}

/// Replaces every `{"$sealed": …}` with `{"$personal": v}`, or with `{"$personal": null}` when the key is
/// gone (the person was forgotten), which the domain reads as `Sensitive::Erased`.
pub(crate) fn open_json(
    value: &mut Value,
    subject: Option<(Uuid, Option<&DataKey>)>,
    location: &dyn Fn() -> String,
) -> Result<(), StoreError> {
    match value {
        Value::Object(object) => {
            if let Some(sealed) = object.get(SEALED_MARKER) {
                let corrupt = |reason: &str| StoreError::CorruptSealedData {
                    location: location(),
                    reason: reason.to_string(),
                };
                let Some((person, key)) = subject else {
                    return Err(corrupt("sealed value on a stream without a data subject"));
                };
                let opened = match key {
                    None => Value::Null,
                    Some(key) => {
                        let text = sealed
                            .as_str()
                            .ok_or_else(|| corrupt("sealed value is not a string"))?;
                        let bytes = BASE64
                            .decode(text)
                            .map_err(|_| corrupt("sealed value is not base64"))?;
                        let plain = decrypt(&key.cipher(), &bytes, &person_aad(person))
                            .ok_or_else(|| corrupt("authentication failed"))?;
                        serde_json::from_slice(&plain)
                            .map_err(|_| corrupt("sealed value is not JSON"))?
                    }
                };
                let mut replacement = Map::new();
                replacement.insert(PERSONAL_MARKER.to_string(), opened);
                *object = replacement;
                return Ok(());
            }
            for child in object.values_mut() {
                open_json(child, subject, location)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            for item in items {
                open_json(item, subject, location)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a failing unwrap is a failing test
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sealing_hides_the_value_and_opening_restores_it() {
        let person = Uuid::new_v4();
        let key = DataKey::generate();
        let original =
            json!({"name": {"$personal": "Ana Lima"}, "list": [{"$personal": {"a": 1}}], "n": 3});
        let mut stored = original.clone();
        seal_json(&mut stored, Some((person, &key)), "s").unwrap();
        assert!(!stored.to_string().contains("Ana"));
        assert!(has_sealed(&stored));
        open_json(&mut stored, Some((person, Some(&key))), &|| "t".into()).unwrap();
        assert_eq!(stored, original);
    }

    #[test]
    fn a_destroyed_key_reads_as_null() {
        let person = Uuid::new_v4();
        let key = DataKey::generate();
        let mut stored = json!({"name": {"$personal": "Ana"}});
        seal_json(&mut stored, Some((person, &key)), "s").unwrap();
        open_json(&mut stored, Some((person, None)), &|| "t".into()).unwrap();
        assert_eq!(stored, json!({"name": {"$personal": null}}));
    }

    #[test]
    fn personal_data_without_a_subject_is_refused() {
        let mut value = json!({"name": {"$personal": "Ana"}});
        let error = seal_json(&mut value, None, "s").unwrap_err();
        assert!(matches!(
            error,
            StoreError::PersonalDataWithoutSubject { .. }
        ));
    }

    #[test]
    fn another_persons_key_cannot_open_a_value() {
        let key = DataKey::generate();
        let mut stored = json!({"$personal": "Ana"});
        seal_json(&mut stored, Some((Uuid::new_v4(), &key)), "s").unwrap();
        let result = open_json(&mut stored, Some((Uuid::new_v4(), Some(&key))), &|| {
            "t".into()
        });
        assert!(result.is_err());
    }

    #[test]
    fn a_wrong_master_key_is_named() {
        let person = Uuid::new_v4();
        let wrapped = wrap_key(&MasterKey::generate(), person, &DataKey::generate()).unwrap();
        let error = unwrap_key(&MasterKey::generate(), person, &wrapped).unwrap_err();
        assert!(error.to_string().contains("wrong master key"));
    }

    #[test]
    fn the_master_key_round_trips_through_base64_and_never_prints() {
        let key = MasterKey::generate();
        let text = key.to_base64();
        let parsed = MasterKey::from_base64(text.expose_secret()).unwrap();
        assert_eq!(parsed.0.expose_secret(), key.0.expose_secret());
        assert_eq!(format!("{key:?}"), "[redacted]");
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
    }
}
