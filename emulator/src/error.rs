//! Cloud errors as the emulator answers them: code, message and HTTP status from the reference.

use serde_json::json;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: u16, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn missing(param: &str) -> Self {
        Self::new(
            400,
            "MissingParameter",
            format!("The input parameter \"{param}\" that is mandatory for processing this request is not supplied."),
        )
    }

    pub fn invalid(code: &str, message: impl Into<String>) -> Self {
        Self::new(400, code, message)
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> Self {
        Self::new(404, code, message)
    }

    /// The error body: `RequestId`, `HostId`, `Code`, `Message`, `Recommend`.
    pub fn body(&self, request_id: &str, host: &str) -> serde_json::Value {
        json!({
            "RequestId": request_id,
            "HostId": host,
            "Code": self.code,
            "Message": self.message,
            "Recommend": format!("https://api.aliyun.com/troubleshoot?q={}", self.code),
        })
    }
}
