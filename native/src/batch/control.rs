//! Transaction markers: the control batch that ends a transaction in a
//! partition (Kafka's `EndTransactionMarker` / `ControlRecordType`).
//!
//! A control batch is an uncompressed RecordBatch v2 with the control and
//! transactional attribute bits, the producer's id and epoch, sequence -1,
//! and one record: key = version i16 (0), type i16 (0 ABORT, 1 COMMIT);
//! value = version i16 (0), coordinator epoch i32. Only the broker writes
//! them (WriteTxnMarkers), never clients.

use super::varint::{read_varint, read_varlong, write_varint, write_varlong};
use super::{
    be_i16, be_i32, update_crc, BatchHeader, CONTROL_MASK, HEADER_SIZE, LENGTH_OFFSET,
    LOG_OVERHEAD, MAGIC_V2, TRANSACTIONAL_MASK,
};
use crate::producer_state::TxnMarker;

pub const CONTROL_TYPE_ABORT: i16 = 0;
pub const CONTROL_TYPE_COMMIT: i16 = 1;

/// The control batch for `marker` at `base_offset`, timestamped `now_ms`.
pub fn build_marker(
    marker: &TxnMarker,
    base_offset: i64,
    leader_epoch: i32,
    now_ms: i64,
) -> Vec<u8> {
    let mut key = Vec::with_capacity(4);
    key.extend_from_slice(&0i16.to_be_bytes());
    let kind = if marker.commit {
        CONTROL_TYPE_COMMIT
    } else {
        CONTROL_TYPE_ABORT
    };
    key.extend_from_slice(&kind.to_be_bytes());
    let mut value = Vec::with_capacity(6);
    value.extend_from_slice(&0i16.to_be_bytes());
    value.extend_from_slice(&marker.coordinator_epoch.to_be_bytes());
    let mut body = Vec::with_capacity(24);
    body.push(0u8); // record attributes
    write_varlong(&mut body, 0); // timestamp delta
    write_varint(&mut body, 0); // offset delta
    write_varint(&mut body, key.len() as i32);
    body.extend_from_slice(&key);
    write_varint(&mut body, value.len() as i32);
    body.extend_from_slice(&value);
    write_varint(&mut body, 0); // headers
    let mut record = Vec::with_capacity(body.len() + 2);
    write_varint(&mut record, body.len() as i32);
    record.extend_from_slice(&body);

    let mut b = Vec::with_capacity(HEADER_SIZE + record.len());
    b.extend_from_slice(&base_offset.to_be_bytes());
    let length = (HEADER_SIZE - LOG_OVERHEAD + record.len()) as i32;
    b.extend_from_slice(&length.to_be_bytes());
    b.extend_from_slice(&leader_epoch.to_be_bytes());
    b.push(MAGIC_V2 as u8);
    b.extend_from_slice(&0u32.to_be_bytes()); // crc, set below
    b.extend_from_slice(&(CONTROL_MASK | TRANSACTIONAL_MASK).to_be_bytes());
    b.extend_from_slice(&0i32.to_be_bytes()); // last offset delta
    b.extend_from_slice(&now_ms.to_be_bytes()); // base timestamp
    b.extend_from_slice(&now_ms.to_be_bytes()); // max timestamp
    b.extend_from_slice(&marker.producer_id.to_be_bytes());
    b.extend_from_slice(&marker.producer_epoch.to_be_bytes());
    b.extend_from_slice(&(-1i32).to_be_bytes()); // base sequence
    b.extend_from_slice(&1i32.to_be_bytes()); // records count
    b.extend_from_slice(&record);
    debug_assert_eq!(
        super::be_i32(&b, LENGTH_OFFSET) as usize + LOG_OVERHEAD,
        b.len()
    );
    update_crc(&mut b);
    b
}

/// The marker a control batch carries (`batch` is the whole batch, its
/// header `h`); None when it is not a well-formed transaction marker.
pub fn parse_marker(batch: &[u8], h: &BatchHeader) -> Option<TxnMarker> {
    if !h.is_control() || h.compression() != 0 || h.records_count < 1 {
        return None;
    }
    let mut pos = HEADER_SIZE;
    let _len = read_varint(batch, &mut pos)?;
    pos += 1; // attributes
    read_varlong(batch, &mut pos)?;
    read_varint(batch, &mut pos)?;
    let key_len = read_varint(batch, &mut pos)?;
    if key_len < 4 || batch.len() < pos + key_len as usize {
        return None;
    }
    let kind = be_i16(batch, pos + 2);
    pos += key_len as usize;
    let value_len = read_varint(batch, &mut pos)?;
    let coordinator_epoch = if value_len >= 6 && batch.len() >= pos + 6 {
        be_i32(batch, pos + 2)
    } else {
        -1
    };
    let commit = match kind {
        CONTROL_TYPE_COMMIT => true,
        CONTROL_TYPE_ABORT => false,
        _ => return None,
    };
    Some(TxnMarker {
        producer_id: h.producer_id,
        producer_epoch: h.producer_epoch,
        coordinator_epoch,
        commit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::compute_crc;

    #[test]
    fn marker_round_trip() {
        for commit in [true, false] {
            let m = TxnMarker {
                producer_id: 4000,
                producer_epoch: 3,
                coordinator_epoch: 7,
                commit,
            };
            let b = build_marker(&m, 42, 5, 1_700_000_000_000);
            let h = BatchHeader::parse(&b).unwrap();
            assert_eq!(h.size() as usize, b.len());
            assert_eq!(h.base_offset, 42);
            assert_eq!(h.partition_leader_epoch, 5);
            assert!(h.is_control() && h.is_transactional());
            assert_eq!(
                (h.producer_id, h.producer_epoch, h.base_sequence),
                (4000, 3, -1)
            );
            assert_eq!(h.crc, compute_crc(&b));
            assert_eq!(parse_marker(&b, &h), Some(m));
        }
    }

    #[test]
    fn marker_bytes_are_kafkas() {
        let m = TxnMarker {
            producer_id: 1,
            producer_epoch: 0,
            coordinator_epoch: 2,
            commit: true,
        };
        let b = build_marker(&m, 0, 0, 0);
        // Record: length 16, attrs 0, ts 0, offset 0, key len 4, key 00 00 00 01,
        // value len 6, value 00 00 00 00 00 02, headers 0 (zigzag varints).
        assert_eq!(
            &b[HEADER_SIZE..],
            &[32, 0, 0, 0, 8, 0, 0, 0, 1, 12, 0, 0, 0, 0, 0, 2, 0]
        );
    }
}
