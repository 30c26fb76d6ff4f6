//! Reads whose "not found" is an answer, not a failure.

use std::future::Future;

use super::Error;

/// `read`'s answer, `Ok(None)` when the cloud says the object does not exist.
pub async fn found<T>(read: impl Future<Output = Result<T, Error>>) -> Result<Option<T>, Error> {
    match read.await {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}
