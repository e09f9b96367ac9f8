//! The legacy page encoding (Litestream 0.5.0-0.5.15): each page is one LZ4 *frame* with no size
//! prefix, so the frame's own structure is walked to find where it ends.

use std::io::Read;

use crate::error::{Error, Result};

const LZ4_FRAME_MAGIC: u32 = 0x184D_2204;

/// Reads exactly one LZ4 frame from `r` and decompresses it into one page of `page_size` bytes.
///
/// The frame is walked block by block (never reading past its end, since the next page header
/// follows directly), then handed whole to `lz4_flex`, which checks the descriptor checksum and
/// any block or content checksums.
pub(crate) fn read_frame_page<R: Read>(r: &mut R, pgno: u32, page_size: u32) -> Result<Vec<u8>> {
    let bad = |reason| Error::BadLz4Frame { pgno, reason };
    // Any sane frame of one page is smaller than this; a corrupted size cannot allocate more.
    let limit = 2 * page_size as usize + 1024;
    let mut frame = Vec::with_capacity(page_size as usize + 64);

    take(r, &mut frame, 6)?;
    let magic = u32::from_le_bytes([frame[0], frame[1], frame[2], frame[3]]);
    if magic != LZ4_FRAME_MAGIC {
        return Err(bad("bad magic"));
    }
    let flg = frame[4];
    if flg >> 6 != 0b01 {
        return Err(bad("unsupported frame version"));
    }
    let block_checksum = flg & 0x10 != 0;
    let content_size = flg & 0x08 != 0;
    let content_checksum = flg & 0x04 != 0;
    let dict_id = flg & 0x01 != 0;
    let optional = if content_size { 8 } else { 0 } + if dict_id { 4 } else { 0 };
    // Optional fields, then the one-byte descriptor checksum.
    take(r, &mut frame, optional + 1)?;

    loop {
        let at = frame.len();
        take(r, &mut frame, 4)?;
        let word = u32::from_le_bytes([frame[at], frame[at + 1], frame[at + 2], frame[at + 3]]);
        if word == 0 {
            break; // end mark
        }
        let len = (word & 0x7fff_ffff) as usize;
        let extra = if block_checksum { 4 } else { 0 };
        if frame.len() + len + extra > limit {
            return Err(bad("frame larger than any page"));
        }
        take(r, &mut frame, len + extra)?;
    }
    if content_checksum {
        take(r, &mut frame, 4)?;
    }

    let mut page = Vec::with_capacity(page_size as usize);
    lz4_flex::frame::FrameDecoder::new(&frame[..])
        .take(u64::from(page_size) + 1)
        .read_to_end(&mut page)
        .map_err(|e| match e.into_inner() {
            Some(inner) => match inner.downcast::<lz4_flex::frame::Error>() {
                Ok(source) => Error::DecompressFrame {
                    pgno,
                    source: *source,
                },
                Err(_) => bad("undecodable frame"),
            },
            None => bad("undecodable frame"),
        })?;
    if page.len() != page_size as usize {
        return Err(Error::DecompressedSize {
            pgno,
            len: page.len(),
            page_size,
        });
    }
    Ok(page)
}

fn take<R: Read>(r: &mut R, buf: &mut Vec<u8>, n: usize) -> Result<()> {
    let at = buf.len();
    buf.resize(at + n, 0);
    r.read_exact(&mut buf[at..])
        .map_err(Error::read("read ltx legacy lz4 frame"))
}

/// Encodes `page` as one LZ4 frame the way Litestream 0.5.0-0.5.15 did (content checksum on).
#[cfg(test)]
pub(crate) fn encode_frame(page: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let info = lz4_flex::frame::FrameInfo::new()
        .block_size(lz4_flex::frame::BlockSize::Max64KB)
        .content_checksum(true);
    let mut enc = lz4_flex::frame::FrameEncoder::with_frame_info(info, Vec::new());
    enc.write_all(page).expect("write to vec");
    enc.finish().expect("finish lz4 frame")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exactly_one_frame_and_leaves_the_rest() {
        let page: Vec<u8> = (0..4096u32).map(|i| (i % 7) as u8).collect();
        let mut bytes = encode_frame(&page);
        let frame_len = bytes.len();
        bytes.extend_from_slice(b"NEXT");
        let mut r = &bytes[..];
        assert_eq!(read_frame_page(&mut r, 1, 4096).unwrap(), page);
        assert_eq!(
            r,
            b"NEXT",
            "consumed {} of {frame_len} frame bytes",
            bytes.len() - 4
        );
    }

    #[test]
    fn wrong_size_and_corruption_are_errors() {
        let page = vec![3u8; 512];
        let frame = encode_frame(&page);
        assert!(matches!(
            read_frame_page(&mut &frame[..], 1, 1024),
            Err(Error::DecompressedSize { len: 512, .. })
        ));
        let mut bad = frame.clone();
        bad[0] ^= 1;
        assert!(matches!(
            read_frame_page(&mut &bad[..], 1, 512),
            Err(Error::BadLz4Frame { .. })
        ));
        // Flip the content checksum.
        let mut bad = frame.clone();
        let n = bad.len();
        bad[n - 1] ^= 0xff;
        assert!(read_frame_page(&mut &bad[..], 1, 512).is_err());
        assert!(matches!(
            read_frame_page(&mut &frame[..frame.len() - 2], 1, 512),
            Err(Error::Truncated { .. })
        ));
    }
}
