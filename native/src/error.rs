//! The crate's one error type. Every failure that reaches JavaScript carries a
//! Kafka error *name* (e.g. `CORRUPT_MESSAGE`) as the JS `Error.code`, so the
//! TypeScript side maps it to a protocol error code without parsing messages.
//! The conversion to a thrown JS error lives with the glue (`napi/error.rs`).

use std::fmt;
use std::io;

/// A failure of a log operation, named after the Kafka error it maps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Code 1: fetch/list offset outside `[logStartOffset, logEndOffset]`.
    OffsetOutOfRange(String),
    /// Code 2: bytes are torn, truncated, or fail their CRC32C.
    CorruptMessage(String),
    /// Code 6: the log is closed or deleted; this broker no longer serves it.
    NotLeaderOrFollower(String),
    /// Code 10: one batch is larger than `max.message.bytes`.
    MessageTooLarge(String),
    /// Code 40: a `LogConfig` value is out of range.
    InvalidConfig(String),
    /// Code 43: record format older than magic v2.
    UnsupportedForMessageFormat(String),
    /// Code 45: idempotent producer sequence gap or reordering.
    OutOfOrderSequenceNumber(String),
    /// Code 47: producer epoch older than the one already seen (fenced).
    InvalidProducerEpoch(String),
    /// Code 56: an I/O error in the log directory (ENOSPC, EIO, ...).
    KafkaStorageError(String),
    /// Code 76: compression codec id outside 0..=4.
    UnsupportedCompressionType(String),
    /// Code 87: structurally sound batch whose contents break a rule
    /// (record count, offset deltas, control batch from a client, ...).
    InvalidRecord(String),
    /// Code 13: the client's connection failed while native code wrote to it.
    NetworkException(String),
    /// Code 48: a producer with an open transaction wrote a non-transactional
    /// batch (Kafka's `InvalidTxnStateException`).
    InvalidTxnState(String),
    /// Code 52: a transaction marker from a coordinator epoch older than one
    /// already seen for the producer.
    TransactionCoordinatorFenced(String),
    /// Code -1: batches a follower copies do not continue its log (they start
    /// below its log end offset, or their offsets do not increase). Kafka's
    /// `UnexpectedAppendOffsetException` / `OffsetsOutOfOrderException`: not
    /// API errors, so a client would see UNKNOWN_SERVER_ERROR.
    UnexpectedAppendOffset(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The Kafka error name, used as the JS `Error.code`.
    pub fn name(&self) -> &'static str {
        match self {
            Error::OffsetOutOfRange(_) => "OFFSET_OUT_OF_RANGE",
            Error::CorruptMessage(_) => "CORRUPT_MESSAGE",
            Error::NotLeaderOrFollower(_) => "NOT_LEADER_OR_FOLLOWER",
            Error::MessageTooLarge(_) => "MESSAGE_TOO_LARGE",
            Error::InvalidConfig(_) => "INVALID_CONFIG",
            Error::UnsupportedForMessageFormat(_) => "UNSUPPORTED_FOR_MESSAGE_FORMAT",
            Error::OutOfOrderSequenceNumber(_) => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            Error::InvalidProducerEpoch(_) => "INVALID_PRODUCER_EPOCH",
            Error::KafkaStorageError(_) => "KAFKA_STORAGE_ERROR",
            Error::UnsupportedCompressionType(_) => "UNSUPPORTED_COMPRESSION_TYPE",
            Error::InvalidRecord(_) => "INVALID_RECORD",
            Error::NetworkException(_) => "NETWORK_EXCEPTION",
            Error::InvalidTxnState(_) => "INVALID_TXN_STATE",
            Error::TransactionCoordinatorFenced(_) => "TRANSACTION_COORDINATOR_FENCED",
            Error::UnexpectedAppendOffset(_) => "UNKNOWN_SERVER_ERROR",
        }
    }

    /// The numeric Kafka protocol error code.
    pub fn code(&self) -> i16 {
        match self {
            Error::OffsetOutOfRange(_) => 1,
            Error::CorruptMessage(_) => 2,
            Error::NotLeaderOrFollower(_) => 6,
            Error::MessageTooLarge(_) => 10,
            Error::InvalidConfig(_) => 40,
            Error::UnsupportedForMessageFormat(_) => 43,
            Error::OutOfOrderSequenceNumber(_) => 45,
            Error::InvalidProducerEpoch(_) => 47,
            Error::KafkaStorageError(_) => 56,
            Error::UnsupportedCompressionType(_) => 76,
            Error::InvalidRecord(_) => 87,
            Error::NetworkException(_) => 13,
            Error::InvalidTxnState(_) => 48,
            Error::TransactionCoordinatorFenced(_) => 52,
            Error::UnexpectedAppendOffset(_) => -1,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::OffsetOutOfRange(m)
            | Error::CorruptMessage(m)
            | Error::NotLeaderOrFollower(m)
            | Error::MessageTooLarge(m)
            | Error::InvalidConfig(m)
            | Error::UnsupportedForMessageFormat(m)
            | Error::OutOfOrderSequenceNumber(m)
            | Error::InvalidProducerEpoch(m)
            | Error::KafkaStorageError(m)
            | Error::UnsupportedCompressionType(m)
            | Error::InvalidRecord(m)
            | Error::NetworkException(m)
            | Error::InvalidTxnState(m)
            | Error::TransactionCoordinatorFenced(m)
            | Error::UnexpectedAppendOffset(m) => m,
        }
    }

    /// Wraps an I/O error with what we were doing when it happened.
    /// Out of file descriptors, the message says what to do about it.
    pub fn storage(context: impl fmt::Display, err: io::Error) -> Self {
        if crate::rlimit::is_descriptor_exhaustion(&err) {
            return Error::KafkaStorageError(format!(
                "{context}: {err}; {}",
                crate::rlimit::DESCRIPTOR_HINT
            ));
        }
        Error::KafkaStorageError(format!("{context}: {err}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name(), self.message())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes() {
        let e = Error::CorruptMessage("bad crc".into());
        assert_eq!(e.name(), "CORRUPT_MESSAGE");
        assert_eq!(e.code(), 2);
        assert_eq!(e.to_string(), "CORRUPT_MESSAGE: bad crc");
    }

    #[test]
    fn out_of_descriptors_says_to_raise_the_open_file_limit() {
        let e = Error::storage("open 0.log", io::Error::from_raw_os_error(libc::EMFILE));
        assert_eq!(e.name(), "KAFKA_STORAGE_ERROR");
        assert!(e.message().starts_with("open 0.log: "), "{}", e.message());
        assert!(e.message().contains("ulimit -n"), "{}", e.message());
        let other = Error::storage("open 0.log", io::Error::from_raw_os_error(libc::ENOSPC));
        assert!(!other.message().contains("ulimit"), "{}", other.message());
    }
}
