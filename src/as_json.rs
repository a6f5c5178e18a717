//! A field kept as JSON text inside a binary encoding (`#[serde(with = "crate::as_json")]`):
//! bincode, which the parse cache stores pages in (`crate::parse_cache`), reads only what
//! states its own shape, and front matter holds any JSON value (`extra`, dates read by
//! `deserialize_any`) while a diagnostic leaves out its empty fields.

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub(crate) fn serialize<T: Serialize, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    let text = serde_json::to_string(v).map_err(S::Error::custom)?;
    s.serialize_str(&text)
}

pub(crate) fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
    d: D,
) -> Result<T, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    serde_json::from_str(&text).map_err(D::Error::custom)
}
