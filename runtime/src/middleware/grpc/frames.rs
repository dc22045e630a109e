//! Counting gRPC messages in a byte stream.
//!
//! A gRPC message on the wire is a 5-byte prefix (compressed flag, 32-bit
//! big-endian length) and the message bytes. HTTP/2 data frames cut that
//! stream anywhere, so the counter keeps the part of a prefix it has seen
//! and how many message bytes remain.

/// Where a stream of length-prefixed messages is.
#[derive(Debug, Default)]
pub(super) struct FrameCounter {
    /// Message bytes still to skip before the next prefix.
    remaining: u64,
    prefix: [u8; 5],
    prefix_len: usize,
}

impl FrameCounter {
    /// Feeds the data of `frame`, if it is a data frame, and adds the
    /// messages that began in it to `counter` (when the layer counts them).
    pub(super) fn count_into<D: AsRef<[u8]>>(
        &mut self,
        frame: &http_body::Frame<D>,
        counter: Option<&metrics::Counter>,
    ) {
        if let Some(data) = frame.data_ref() {
            let messages = self.feed(data.as_ref());
            if let Some(counter) = counter {
                counter.increment(messages);
            }
        }
    }

    /// Reads `data` and answers how many messages began in it (a message
    /// counts once its prefix is complete).
    pub(super) fn feed(&mut self, mut data: &[u8]) -> u64 {
        let mut started = 0;
        while !data.is_empty() {
            if self.remaining > 0 {
                let skip = usize::try_from(self.remaining)
                    .unwrap_or(usize::MAX)
                    .min(data.len());
                self.remaining -= skip as u64;
                data = &data[skip..];
                continue;
            }
            let take = (self.prefix.len() - self.prefix_len).min(data.len());
            self.prefix[self.prefix_len..self.prefix_len + take].copy_from_slice(&data[..take]);
            self.prefix_len += take;
            data = &data[take..];
            if self.prefix_len == self.prefix.len() {
                started += 1;
                self.prefix_len = 0;
                let [_, a, b, c, d] = self.prefix;
                self.remaining = u64::from(u32::from_be_bytes([a, b, c, d]));
            }
        }
        started
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(len: u32) -> Vec<u8> {
        let mut bytes = vec![0];
        bytes.extend_from_slice(&len.to_be_bytes());
        bytes.resize(5 + len as usize, 7);
        bytes
    }

    #[test]
    fn counts_messages_however_the_stream_is_cut() {
        let stream: Vec<u8> = [message(3), message(0), message(300), message(1)].concat();
        for chunk in [1, 2, 4, 5, 6, 64, stream.len()] {
            let mut counter = FrameCounter::default();
            let total: u64 = stream.chunks(chunk).map(|piece| counter.feed(piece)).sum();
            assert_eq!(total, 4, "chunks of {chunk}");
        }
    }
}
