//! Sends signed RPC requests: one loop that signs each attempt afresh, classifies each failure
//! into its kind ([`retry::RetryKind`](super::retry::RetryKind)), backs off as the kind says
//! (busy targets included: this is the only place they are retried), and decodes the answer into
//! a type. The codes are read in `retry` alone: the loop acts on kinds.

mod attempt;
mod gate;
mod request_loop;
mod wire;

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;

use super::credentials::CredentialsProvider;
use super::retry::{Idempotency, RetryConfig, RetryQuota};
use super::{signer, Credentials, Endpoints, Error, Service, StopSignal};

pub(crate) use attempt::describe_reqwest;
use wire::decode_into;
pub(crate) use wire::{decode, form_body};

/// Request parameters, in the order they are added (the signer sorts them).
#[derive(Debug, Default, Clone)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.push((name.into(), value.into()));
        self
    }

    pub fn set_opt(self, name: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.set(name, v),
            None => self,
        }
    }

    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    region: String,
    /// Asked on every attempt, so a long apply signs with credentials refreshed in between.
    credentials: CredentialsProvider,
    endpoints: Endpoints,
    retry: RetryConfig,
    /// Every retry of the client pays from it: a throttled or failing account is not stormed.
    quota: Arc<RetryQuota>,
    /// Per service: no request starts before this instant. A throttled retry closes the gate for
    /// everyone, so parallel resources back off together instead of each hammering the API.
    gates: std::sync::Mutex<std::collections::HashMap<Service, Instant>>,
    stop: StopSignal,
}

/// Builds one attempt's request, signed at that attempt's time with that attempt's nonce.
type MakeRequest<'a> = dyn Fn(i64, &str, &Credentials) -> reqwest::RequestBuilder + Sync + 'a;

/// One logical call, as its attempts are made.
struct Call<'a> {
    service: Service,
    action: &'static str,
    url: &'a reqwest::Url,
    idempotency: Idempotency,
    make: &'a MakeRequest<'a>,
}

impl<'a> Call<'a> {
    fn new(
        service: Service,
        action: &'static str,
        url: &'a reqwest::Url,
        idempotency: Idempotency,
        make: &'a MakeRequest<'a>,
    ) -> Self {
        Self {
            service,
            action,
            url,
            idempotency,
            make,
        }
    }
}

/// The shared transport of one configured client.
#[derive(Debug, Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

impl Transport {
    pub fn new(
        region: String,
        credentials: CredentialsProvider,
        endpoints: Endpoints,
        retry: RetryConfig,
        timeout: Duration,
        stop: StopSignal,
        user_agent: String,
    ) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(user_agent)
            // Redirects would re-send signed requests somewhere we did not choose.
            .redirect(reqwest::redirect::Policy::none())
            .https_only(false)
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                region,
                credentials,
                endpoints,
                quota: Arc::new(RetryQuota::new(retry.quota)),
                retry,
                gates: Default::default(),
                stop,
            }),
        })
    }

    pub fn region(&self) -> &str {
        &self.inner.region
    }

    pub fn credentials(&self) -> &CredentialsProvider {
        &self.inner.credentials
    }

    pub fn stop_signal(&self) -> &StopSignal {
        &self.inner.stop
    }

    pub fn retry_config(&self) -> &RetryConfig {
        &self.inner.retry
    }

    /// The same transport (connections, credentials, endpoints) answering to another stop signal.
    pub fn with_stop(&self, stop: StopSignal) -> Transport {
        let i = &self.inner;
        Transport {
            inner: Arc::new(Inner {
                http: i.http.clone(),
                region: i.region.clone(),
                credentials: i.credentials.clone(),
                endpoints: i.endpoints.clone(),
                retry: i.retry.clone(),
                // The same client: its retries pay from the same quota.
                quota: i.quota.clone(),
                gates: Default::default(),
                stop,
            }),
        }
    }

    /// An RPC read: safe to retry, whatever became of an attempt.
    pub async fn read<T: DeserializeOwned>(
        &self,
        service: Service,
        action: &'static str,
        params: Params,
    ) -> Result<T, Error> {
        self.rpc(service, action, params, Idempotency::Safe).await
    }

    /// [`Transport::read`] of an object whose "does not exist" answer is an answer: `Ok(None)`.
    pub async fn read_found<T: DeserializeOwned>(
        &self,
        service: Service,
        action: &'static str,
        params: Params,
    ) -> Result<Option<T>, Error> {
        crate::client::found::found(self.read(service, action, params)).await
    }

    /// Calls an RPC action and decodes the JSON answer into `T`.
    pub async fn rpc<T: DeserializeOwned>(
        &self,
        service: Service,
        action: &'static str,
        params: Params,
        idempotency: Idempotency,
    ) -> Result<T, Error> {
        let inner = &self.inner;
        let url = inner.endpoints.url(service, &inner.region)?;
        let make = |now: i64, nonce: &str, credentials: &Credentials| {
            let call = signer::RpcCall {
                method: "POST",
                action,
                version: service.version(),
                region: &inner.region,
                params: &params.0,
            };
            let signed = signer::sign_rpc(&call, credentials, now, nonce);
            let body = form_body(&signed);
            inner
                .http
                .post(url.clone())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .body(body)
        };
        let call = Call::new(service, action, &url, idempotency, &make);
        decode_into(action, self.call_value(&call).await?)
    }

    /// Calls a ROA operation (MaxCompute style: a method, a path, JSON in and out).
    pub async fn roa<T: DeserializeOwned>(
        &self,
        service: Service,
        request: RoaRequest<'_>,
        idempotency: Idempotency,
    ) -> Result<T, Error> {
        let inner = &self.inner;
        let base = inner.endpoints.url(service, &inner.region)?;
        let mut url = base
            .join(request.path.trim_start_matches('/'))
            .map_err(|e| Error::Config(format!("bad path {}: {e}", request.path)))?;
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        let body = request.body.map(|b| b.to_string());
        let action = request.action;
        let make = |now: i64, nonce: &str, credentials: &Credentials| {
            let headers = signer::roa_headers(
                &signer::RoaCall {
                    method: request.method.as_str(),
                    action,
                    version: service.version(),
                    region: &inner.region,
                    path: url.path(),
                    query: &request.query,
                    body: body.as_deref(),
                },
                credentials,
                now,
                nonce,
            );
            let mut builder = inner.http.request(request.method.clone(), url.clone());
            for (k, v) in headers {
                builder = builder.header(k, v);
            }
            if let Some(b) = &body {
                builder = builder.body(b.clone());
            }
            builder
        };
        let call = Call::new(service, action, &url, idempotency, &make);
        decode_into(action, self.call_value(&call).await?)
    }
}

/// One ROA request.
#[derive(Debug, Clone)]
pub struct RoaRequest<'a> {
    /// A name for logs and errors, like an RPC action (`CreateNetworkLink`).
    pub action: &'static str,
    pub method: reqwest::Method,
    pub path: &'a str,
    pub query: Vec<(String, String)>,
    pub body: Option<serde_json::Value>,
}

#[cfg(test)]
pub(crate) mod tests;
