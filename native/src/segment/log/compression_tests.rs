//! The topic's `compression.type` applied by `Log::append`.

use super::*;
use crate::batch::builder::BatchBuilder;
use crate::batch::validate::validate_batches;
use crate::batch::{PARTITION_LEADER_EPOCH_OFFSET, RECORDS_COUNT_OFFSET};
use crate::compression::Codec;
use crate::test_util::TempDir;

fn config() -> LogConfig {
    LogConfig {
        segment_bytes: 1 << 30,
        segment_ms: 0,
        index_interval_bytes: 4096,
        flush_interval_messages: 0,
        max_message_bytes: 1 << 20,
        compacted: false,
        recovery_point: 0,
    }
}

fn opts(target: Option<Codec>) -> AppendOptions {
    AppendOptions {
        leader_epoch: 0,
        now_ms: 1,
        log_append_time: false,
        compression: target.map(|codec| Compression { codec, level: None }),
    }
}

fn stored(log: &Log, offset: i64) -> Vec<u8> {
    let loc = log.locate(offset, 1 << 20, i64::MAX, true).unwrap();
    let bytes = loc.slice.unwrap().read().unwrap();
    let size = BatchHeader::parse(&bytes).unwrap().size() as usize;
    bytes[..size].to_vec()
}

#[test]
fn producer_codec_is_stored_byte_for_byte() {
    let dir = TempDir::new("log-codec-keep");
    let mut log = Log::open(dir.path(), config()).unwrap();
    for (i, codec) in (0..=4u8).enumerate() {
        let sent = BatchBuilder::new().records(20).compression(codec).build();
        let mut b = sent.clone();
        let r = log.append(&mut b, &opts(None)).unwrap();
        assert_eq!(r.base_offset, i as i64 * 40);
        // Same codec as the topic asks: no re-compression either.
        let target = Codec::from_id(codec);
        let mut b2 = sent.clone();
        log.append(&mut b2, &opts(target)).unwrap();
        for (off, expect) in [(r.base_offset, &sent), (r.base_offset + 20, &sent)] {
            let got = stored(&log, off);
            // Everything but baseOffset and the leader epoch is as sent.
            assert_eq!(
                got[PARTITION_LEADER_EPOCH_OFFSET + 4..],
                expect[PARTITION_LEADER_EPOCH_OFFSET + 4..]
            );
        }
        log = {
            drop(log);
            Log::open(dir.path(), config()).unwrap()
        };
        let _ = i;
    }
}

#[test]
fn topic_codec_recompresses_and_keeps_records() {
    let dir = TempDir::new("log-codec-convert");
    let mut log = Log::open(dir.path(), config()).unwrap();
    let plain = BatchBuilder::new().producer(4, 0, 0).records(30).build();
    let mut next = 0i64;
    for (seq, (from, to)) in [
        (0u8, Codec::Zstd),
        (3, Codec::Gzip),
        (1, Codec::None),
        (2, Codec::Lz4),
    ]
    .into_iter()
    .enumerate()
    {
        let mut b = BatchBuilder::new()
            .producer(4, 0, seq as i32 * 30)
            .records(30)
            .compression(from)
            .build();
        let r = log.append(&mut b, &opts(Some(to))).unwrap();
        assert_eq!(r.base_offset, next);
        let got = stored(&log, next);
        let h = BatchHeader::parse(&got).unwrap();
        assert_eq!(h.compression(), to as u8);
        assert_eq!(h.base_offset, next);
        assert_eq!(h.base_sequence, seq as i32 * 30);
        let mut v = Vec::new();
        validate_batches(&got, 1 << 20, &mut v).unwrap();
        let mut back = Vec::new();
        crate::batch::convert::convert_batch(
            &got,
            &h,
            Compression {
                codec: Codec::None,
                level: None,
            },
            &mut back,
        )
        .unwrap();
        assert_eq!(back[RECORDS_COUNT_OFFSET..], plain[RECORDS_COUNT_OFFSET..]);
        assert_eq!(BatchHeader::parse(&back).unwrap().attributes, 0);
        next += 30;
    }
    // Still readable after recovery from disk (CRCs right).
    drop(log);
    let log = Log::open(dir.path(), config()).unwrap();
    assert_eq!(log.log_end_offset(), 120);
}

#[test]
fn recompressed_batch_over_the_limit_is_refused() {
    let dir = TempDir::new("log-codec-limit");
    let mut cfg = config();
    // Highly compressible records: small as zstd, large once stored uncompressed.
    let mut b = BatchBuilder::new()
        .sized_records(50, 1000)
        .compression(4)
        .build();
    cfg.max_message_bytes = b.len() as i64 + 100;
    let mut log = Log::open(dir.path(), cfg).unwrap();
    let e = log.append(&mut b, &opts(Some(Codec::None))).unwrap_err();
    assert!(matches!(e, Error::MessageTooLarge(_)), "{e:?}");
    assert_eq!(log.log_end_offset(), 0);
}
