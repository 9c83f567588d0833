//! Test-only RecordBatch v2 builder (uncompressed records).

use super::varint::{write_varint, write_varlong};
use super::*;

type Header = (Vec<u8>, Option<Vec<u8>>);

struct Rec {
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    ts_delta: i64,
    headers: Vec<Header>,
}

pub struct BatchBuilder {
    base_offset: i64,
    leader_epoch: i32,
    attributes: i16,
    base_timestamp: i64,
    producer_id: i64,
    producer_epoch: i16,
    base_sequence: i32,
    records: Vec<Rec>,
    compression: u8,
}

impl Default for BatchBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl BatchBuilder {
    pub fn new() -> Self {
        BatchBuilder {
            base_offset: 0,
            leader_epoch: -1,
            attributes: 0,
            base_timestamp: 1_000,
            producer_id: -1,
            producer_epoch: -1,
            base_sequence: -1,
            records: Vec::new(),
            compression: 0,
        }
    }
    pub fn base_offset(mut self, o: i64) -> Self {
        self.base_offset = o;
        self
    }
    pub fn leader_epoch(mut self, e: i32) -> Self {
        self.leader_epoch = e;
        self
    }
    pub fn base_timestamp(mut self, t: i64) -> Self {
        self.base_timestamp = t;
        self
    }
    pub fn attributes(mut self, a: i16) -> Self {
        self.attributes = a;
        self
    }
    /// Compresses the records with codec `id` (1..=4) at `build`.
    pub fn compression(mut self, id: u8) -> Self {
        self.compression = id;
        self
    }
    pub fn producer(mut self, id: i64, epoch: i16, seq: i32) -> Self {
        self.producer_id = id;
        self.producer_epoch = epoch;
        self.base_sequence = seq;
        self
    }
    pub fn record(self, key: Option<&[u8]>, value: Option<&[u8]>, ts_delta: i64) -> Self {
        self.record_with_headers(key, value, ts_delta, &[])
    }
    pub fn record_with_headers(
        mut self,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        ts_delta: i64,
        headers: &[(&[u8], Option<&[u8]>)],
    ) -> Self {
        self.records.push(Rec {
            key: key.map(<[u8]>::to_vec),
            value: value.map(<[u8]>::to_vec),
            ts_delta,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_vec(), v.map(<[u8]>::to_vec)))
                .collect(),
        });
        self
    }
    /// `n` records with 10-byte values and timestamp deltas 0..n.
    pub fn records(mut self, n: usize) -> Self {
        for i in 0..n {
            self = self.record(None, Some(format!("value-{i:04}").as_bytes()), i as i64);
        }
        self
    }
    /// `n` records with values of `size` bytes.
    pub fn sized_records(mut self, n: usize, size: usize) -> Self {
        let v = vec![b'x'; size];
        for i in 0..n {
            self = self.record(None, Some(&v), i as i64);
        }
        self
    }

    pub fn build(&self) -> Vec<u8> {
        let mut recs = Vec::new();
        let mut max_ts = self.base_timestamp;
        for (i, r) in self.records.iter().enumerate() {
            let mut body = vec![0u8];
            write_varlong(&mut body, r.ts_delta);
            write_varint(&mut body, i as i32);
            put_bytes(&mut body, r.key.as_deref());
            put_bytes(&mut body, r.value.as_deref());
            write_varint(&mut body, r.headers.len() as i32);
            for (k, v) in &r.headers {
                put_bytes(&mut body, Some(k));
                put_bytes(&mut body, v.as_deref());
            }
            write_varint(&mut recs, body.len() as i32);
            recs.extend_from_slice(&body);
            max_ts = max_ts.max(self.base_timestamp + r.ts_delta);
        }
        let n = self.records.len() as i32;
        let mut b = Vec::with_capacity(HEADER_SIZE + recs.len());
        b.extend_from_slice(&self.base_offset.to_be_bytes());
        b.extend_from_slice(&((HEADER_SIZE - LOG_OVERHEAD + recs.len()) as i32).to_be_bytes());
        b.extend_from_slice(&self.leader_epoch.to_be_bytes());
        b.push(MAGIC_V2 as u8);
        b.extend_from_slice(&[0; 4]);
        b.extend_from_slice(&self.attributes.to_be_bytes());
        b.extend_from_slice(&(n - 1).to_be_bytes());
        b.extend_from_slice(&self.base_timestamp.to_be_bytes());
        b.extend_from_slice(&max_ts.to_be_bytes());
        b.extend_from_slice(&self.producer_id.to_be_bytes());
        b.extend_from_slice(&self.producer_epoch.to_be_bytes());
        b.extend_from_slice(&self.base_sequence.to_be_bytes());
        b.extend_from_slice(&n.to_be_bytes());
        b.extend_from_slice(&recs);
        update_crc(&mut b);
        if self.compression == 0 {
            return b;
        }
        let codec = crate::compression::Codec::from_id(self.compression).expect("codec id");
        let mut out = Vec::new();
        let header = BatchHeader::parse(&b).unwrap();
        let target = crate::compression::Compression { codec, level: None };
        super::convert::convert_batch(&b, &header, target, &mut out).unwrap();
        out
    }
}

fn put_bytes(out: &mut Vec<u8>, v: Option<&[u8]>) {
    match v {
        None => write_varint(out, -1),
        Some(v) => {
            write_varint(out, v.len() as i32);
            out.extend_from_slice(v);
        }
    }
}
