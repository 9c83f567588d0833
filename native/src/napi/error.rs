//! Conversion of the crate's one error type into a thrown JS error: the Kafka
//! error name becomes the JS `Error.code`, the message its `message`.

use crate::error::Error;

impl From<Error> for napi::Error<&'static str> {
    fn from(err: Error) -> Self {
        // The status string becomes the JS error's `code` property.
        napi::Error::new(err.name(), err.message())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kafka_error_name_becomes_the_status() {
        let n: napi::Error<&'static str> = Error::InvalidProducerEpoch("x".into()).into();
        assert_eq!(n.status, "INVALID_PRODUCER_EPOCH");
        assert_eq!(n.reason, "x");
        std::mem::forget(n); // dropping a napi::Error links napi_delete_reference, absent without Node
    }
}
