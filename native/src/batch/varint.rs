//! Zig-zag varints (protobuf style) used inside records.

/// Reads a zig-zag varint (at most 5 bytes) at `*pos`, advancing it.
/// `None` if the input ends early or the encoding is too long.
#[inline]
pub fn read_varint(b: &[u8], pos: &mut usize) -> Option<i32> {
    let mut value: u32 = 0;
    let mut shift = 0u32;
    loop {
        let byte = *b.get(*pos)?;
        *pos += 1;
        value |= ((byte & 0x7f) as u32) << shift;
        if byte & 0x80 == 0 {
            return Some(((value >> 1) as i32) ^ -((value & 1) as i32));
        }
        shift += 7;
        if shift > 28 {
            return None;
        }
    }
}

/// Reads a zig-zag varlong (at most 10 bytes) at `*pos`, advancing it.
#[inline]
pub fn read_varlong(b: &[u8], pos: &mut usize) -> Option<i64> {
    let mut value: u64 = 0;
    let mut shift = 0u32;
    loop {
        let byte = *b.get(*pos)?;
        *pos += 1;
        value |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Some(((value >> 1) as i64) ^ -((value & 1) as i64));
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// Appends a zig-zag varint.
pub fn write_varint(out: &mut Vec<u8>, v: i32) {
    write_varlong(out, v as i64)
}

/// Appends a zig-zag varlong.
pub fn write_varlong(out: &mut Vec<u8>, v: i64) {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        for v in [
            0i64,
            1,
            -1,
            63,
            -64,
            64,
            300,
            -300,
            i32::MAX as i64,
            i32::MIN as i64,
        ] {
            let mut out = Vec::new();
            write_varint(&mut out, v as i32);
            let mut p = 0;
            assert_eq!(read_varint(&out, &mut p), Some(v as i32));
            assert_eq!(p, out.len());
        }
        for v in [i64::MAX, i64::MIN, 1 << 40, -(1 << 40)] {
            let mut out = Vec::new();
            write_varlong(&mut out, v);
            let mut p = 0;
            assert_eq!(read_varlong(&out, &mut p), Some(v));
        }
    }

    #[test]
    fn known_encodings() {
        let mut out = Vec::new();
        write_varint(&mut out, -1);
        assert_eq!(out, [0x01]);
        out.clear();
        write_varint(&mut out, 150);
        assert_eq!(out, [0xac, 0x02]);
    }

    #[test]
    fn truncated_and_overlong() {
        let mut p = 0;
        assert_eq!(read_varint(&[0x80], &mut p), None);
        let mut p = 0;
        assert_eq!(
            read_varint(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x01], &mut p),
            None
        );
        let mut p = 0;
        assert_eq!(read_varlong(&[0xff; 11], &mut p), None);
    }
}
