//! Compression codecs of RecordBatch v2 (attributes bits 0-2).
//!
//! Seam for later work: (de)compression for record walking and for topic-level
//! `compression.type` re-compression. Today compressed batches are validated
//! by header and CRC only.

/// Codec ids as stored in the batch attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    None = 0,
    Gzip = 1,
    Snappy = 2,
    Lz4 = 3,
    Zstd = 4,
}

impl Codec {
    /// `None` for ids Kafka does not define (5..=7).
    pub fn from_id(id: u8) -> Option<Codec> {
        match id {
            0 => Some(Codec::None),
            1 => Some(Codec::Gzip),
            2 => Some(Codec::Snappy),
            3 => Some(Codec::Lz4),
            4 => Some(Codec::Zstd),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(Codec::from_id(0), Some(Codec::None));
        assert_eq!(Codec::from_id(4), Some(Codec::Zstd));
        assert_eq!(Codec::from_id(5), None);
    }
}
