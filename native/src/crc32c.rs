//! CRC32C (Castagnoli), the checksum of RecordBatch v2. Thin wrapper so the
//! rest of the crate does not depend on which implementation we use.

/// CRC32C of `data`.
#[inline]
pub fn crc32c(data: &[u8]) -> u32 {
    ::crc32c::crc32c(data)
}

/// Continues a CRC32C over more bytes (`crc` is the value so far, 0 to start).
#[inline]
pub fn crc32c_append(crc: u32, data: &[u8]) -> u32 {
    ::crc32c::crc32c_append(crc, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc32c(b""), 0);
        assert_eq!(crc32c(&[0u8; 32]), 0x8A91_36AA);
        assert_eq!(crc32c(&[0xFFu8; 32]), 0x62A8_AB43);
    }

    #[test]
    fn append_equals_whole() {
        let data = b"The quick brown fox jumps over the lazy dog";
        let split = crc32c_append(crc32c(&data[..10]), &data[10..]);
        assert_eq!(split, crc32c(data));
    }
}
