//! Personal data that must be encrypted at rest and can be erased for good.
//!
//! The domain only marks which values are personal; it never encrypts. A `Sensitive<T>` serializes as
//! `{"$personal": value}`, and the event store seals every such object with the key of the person the
//! stream belongs to before it writes anything. When that key has been destroyed (the person was forgotten)
//! the store hands back `{"$personal": null}`, which deserializes as [`Sensitive::Erased`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The JSON key that marks a personal value inside an event or a snapshot.
pub const PERSONAL_MARKER: &str = "$personal";

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sensitive<T> {
    /// The value, readable.
    Value(T),
    /// The person was forgotten: the value is gone for good.
    Erased,
}

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self::Value(value)
    }

    /// The value, or `None` once erased.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Erased => None,
        }
    }

    pub fn is_erased(&self) -> bool {
        matches!(self, Self::Erased)
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Sensitive<U> {
        match self {
            Self::Value(value) => Sensitive::Value(f(value)),
            Self::Erased => Sensitive::Erased,
        }
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

#[derive(Serialize, Deserialize)]
struct Wire<T> {
    #[serde(rename = "$personal")]
    personal: Option<T>,
}

impl<T: Serialize> Serialize for Sensitive<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Wire {
            personal: self.value(),
        }
        .serialize(serializer)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::<T>::deserialize(deserializer)?;
        Ok(match wire.personal {
            Some(value) => Self::Value(value),
            None => Self::Erased,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_wrapped_in_the_personal_marker() {
        let json = serde_json::to_value(Sensitive::new("Ana".to_string())).unwrap();
        assert_eq!(json, serde_json::json!({"$personal": "Ana"}));
        let back: Sensitive<String> = serde_json::from_value(json).unwrap();
        assert_eq!(back, Sensitive::new("Ana".to_string()));
    }

    #[test]
    fn a_null_value_reads_as_erased() {
        let back: Sensitive<String> =
            serde_json::from_value(serde_json::json!({"$personal": null})).unwrap();
        assert!(back.is_erased());
    }
}
