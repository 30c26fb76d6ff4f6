//! `NextToken` paging: one loop for every list action that pages that way (ECS, EMR,
//! PrivateLink). A page's answer carries `NextToken`; an empty or absent token is the last page.

use serde::de::DeserializeOwned;

use super::endpoint::Service;
use super::error::Error;
use super::transport::{Params, Transport};

/// One page of a `NextToken` list action: the token of the next page, and its items.
pub trait Paged: DeserializeOwned {
    type Item;
    fn take_next_token(&mut self) -> Option<String>;
    fn into_items(self) -> Vec<Self::Item>;
}

/// `paged!(Page, field.path => Item)`: `Page` answers a `NextToken` list with its items at
/// `field.path` and its token in `next_token`.
macro_rules! paged {
    ($page:ty, $($field:ident).+ => $item:ty) => {
        impl $crate::client::paging::Paged for $page {
            type Item = $item;
            fn take_next_token(&mut self) -> Option<String> {
                self.next_token.take()
            }
            fn into_items(self) -> Vec<$item> {
                self.$($field).+
            }
        }
    };
}
pub(crate) use paged;

impl Transport {
    /// Every page of the read `action` (`MaxResults` = `page_size`), in order. A token the
    /// service hands back twice also ends the list: asking for it again would never end.
    pub async fn read_pages<P: Paged>(
        &self,
        service: Service,
        action: &'static str,
        params: Params,
        page_size: &'static str,
    ) -> Result<Vec<P>, Error> {
        let mut pages = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let params = params
                .clone()
                .set("MaxResults", page_size)
                .set_opt("NextToken", token.as_deref());
            let mut page: P = self.read(service, action, params).await?;
            let next = page.take_next_token().filter(|t| !t.is_empty());
            pages.push(page);
            match next {
                Some(t) if Some(&t) != token.as_ref() => token = Some(t),
                _ => return Ok(pages),
            }
        }
    }

    /// The items of every page of the read `action` ([`Transport::read_pages`]).
    pub async fn read_all<P: Paged>(
        &self,
        service: Service,
        action: &'static str,
        params: Params,
        page_size: &'static str,
    ) -> Result<Vec<P::Item>, Error> {
        let pages = self
            .read_pages::<P>(service, action, params, page_size)
            .await?;
        Ok(pages.into_iter().flat_map(P::into_items).collect())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde::Deserialize;

    use crate::client::credentials::test_server::{serve, Reply};
    use crate::client::retry::RetryConfig;
    use crate::client::stop::StopSignal;
    use crate::client::transport::tests::loopback;
    use crate::client::Service;

    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Page {
        items: Vec<u32>,
        next_token: Option<String>,
    }
    paged!(Page, items => u32);

    /// Every page, in order, whatever token the service repeats: `answers` are the bodies of
    /// the pages as the service gives them, one per request.
    async fn pages_of(answers: &'static [&'static str]) -> (Vec<u32>, usize) {
        let calls = std::sync::Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let (url, _) = serve(move |_| {
            let n = seen.fetch_add(1, Ordering::SeqCst);
            Reply::ok(answers[n.min(answers.len() - 1)])
        })
        .await;
        let t = loopback(
            &url,
            Service::Ecs,
            RetryConfig::default(),
            StopSignal::new(),
        );
        let items = t
            .read_all::<Page>(Service::Ecs, "List", super::Params::new(), "2")
            .await
            .unwrap();
        (items, calls.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn every_page_until_the_token_is_empty_or_absent() {
        let three = pages_of(&[
            r#"{"Items":[1,2],"NextToken":"a"}"#,
            r#"{"Items":[3,4],"NextToken":"b"}"#,
            r#"{"Items":[5],"NextToken":""}"#,
        ]);
        assert_eq!(three.await, (vec![1, 2, 3, 4, 5], 3));
        let two = pages_of(&[r#"{"Items":[1],"NextToken":"a"}"#, r#"{"Items":[2]}"#]);
        assert_eq!(two.await, (vec![1, 2], 2));
    }

    #[tokio::test]
    async fn a_token_handed_back_twice_ends_the_list() {
        let again = pages_of(&[r#"{"Items":[1],"NextToken":"a"}"#]);
        assert_eq!(again.await, (vec![1, 1], 2));
    }
}
