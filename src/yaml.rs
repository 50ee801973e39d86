//! The one place that knows which YAML crate we use.
//!
//! `serde_yaml` 0.9 is archived upstream; keeping every call behind this module makes the
//! switch to a fork such as `serde_yaml_ng` a one-line change.

use serde::de::DeserializeOwned;
use serde_yaml as backend;

/// A YAML parse or type error with its 1-based position, if the parser gave one.
#[derive(Debug, Clone)]
pub struct YamlError {
    /// The parser's message, without the trailing "at line … column …".
    pub message: String,
    /// 1-based (line, column).
    pub position: Option<(usize, usize)>,
}

/// Parses `text` into `T`, mapping the backend's error to [`YamlError`].
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    backend::from_str(text).map_err(|e| {
        let position = e.location().map(|l| (l.line(), l.column()));
        let mut message = e.to_string();
        // The backend appends the position to its message; we print it in front instead.
        if let Some(i) = message.rfind(" at line ") {
            message.truncate(i);
        }
        YamlError { message, position }
    })
}
