//! Moving frames over tokio streams.

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::{Frame, HEADER_LEN, Header, WireError};

/// The buffer a message is first read into; it grows as more of the body arrives.
const INITIAL_BUFFER: usize = 16 * 1024;

/// Reads one whole message from `reader` and decodes it.
///
/// The header is read and checked against `max_message_size` before any of the body is read, and
/// the body's buffer grows with the bytes that arrive rather than with the declared length. A
/// stream that ends before the first byte gives [`WireError::ClosedBetweenMessages`]; one that ends
/// mid-message gives [`WireError::ConnectionClosed`]. This function does not time out: wrap it in
/// `tokio::time::timeout` to bound the wait for a server that stalls.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bson::doc;
/// use mongo_auth::wire::{read_frame, write_frame, Frame, Message, OpMsg, DEFAULT_MAX_MESSAGE_SIZE};
///
/// let (mut client, mut server) = tokio::io::duplex(1024);
/// let ping = Frame::new(Message::Msg(OpMsg::new(doc! { "ping": 1, "$db": "admin" })));
/// write_frame(&mut client, &ping).await?;
/// assert_eq!(read_frame(&mut server, DEFAULT_MAX_MESSAGE_SIZE).await?, ping);
/// # Ok::<(), mongo_auth::wire::WireError>(())
/// # }).unwrap();
/// ```
pub async fn read_frame<R>(reader: &mut R, max_message_size: usize) -> Result<Frame, WireError>
where
    R: AsyncRead + Unpin + ?Sized,
{
    read_frame_sized(reader, max_message_size)
        .await
        .map(|(frame, _)| frame)
}

/// As [`read_frame`], with the message's length in bytes.
pub(crate) async fn read_frame_sized<R>(
    reader: &mut R,
    max_message_size: usize,
) -> Result<(Frame, usize), WireError>
where
    R: AsyncRead + Unpin + ?Sized,
{
    let mut header = [0u8; HEADER_LEN];
    let got = fill(reader, &mut header).await?;
    if got == 0 {
        return Err(WireError::ClosedBetweenMessages);
    }
    if got < HEADER_LEN {
        return Err(WireError::ConnectionClosed {
            received: got,
            expected: HEADER_LEN,
        });
    }
    let parsed = Header::parse(&header, max_message_size)?;
    let length = parsed.length as usize; // checked non-negative and bounded by Header::parse
    let body = length - HEADER_LEN;
    let (message, got) = if length <= INITIAL_BUFFER {
        // A message that fits the first buffer is read into a buffer of its exact size.
        let mut message = vec![0u8; length];
        message[..HEADER_LEN].copy_from_slice(&header);
        let got = fill(reader, &mut message[HEADER_LEN..]).await?;
        (message, got)
    } else {
        // A longer one grows its buffer as bytes arrive (read_to_end doubles it when full), so
        // that a header alone cannot make the reader allocate up to 48 MB.
        let mut message = Vec::with_capacity(INITIAL_BUFFER);
        message.extend_from_slice(&header);
        let got = (&mut *reader)
            .take(body as u64)
            .read_to_end(&mut message)
            .await
            .map_err(WireError::Io)?;
        (message, got)
    };
    if got < body {
        return Err(WireError::ConnectionClosed {
            received: got,
            expected: body,
        });
    }
    Frame::decode(&message, max_message_size).map(|frame| (frame, length))
}

/// Encodes `frame` and writes it whole to `writer`, then flushes; returns the message's length in
/// bytes. The encoded bytes are zeroed before their buffer is freed (an authentication command
/// carries a password or a proof).
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use bson::doc;
/// use mongo_auth::wire::{write_frame, Frame, Message, OpQuery};
///
/// let mut sink = Vec::new();
/// let frame = Frame::new(Message::Query(OpQuery::command("admin", doc! { "isMaster": 1 })));
/// write_frame(&mut sink, &frame).await?;
/// assert_eq!(&sink[12..16], &2004i32.to_le_bytes());
/// # Ok::<(), mongo_auth::wire::WireError>(())
/// # }).unwrap();
/// ```
pub async fn write_frame<W>(writer: &mut W, frame: &Frame) -> Result<usize, WireError>
where
    W: AsyncWrite + Unpin + ?Sized,
{
    write_frames(writer, &[frame]).await
}

/// Writes `frames` back to back in one write (a command and the one that follows it in the same
/// packet), then flushes; returns the bytes written. The buffer is sized for all of them before
/// the first byte is written, so it never moves, and it is zeroed before it is freed.
pub(crate) async fn write_frames<W>(writer: &mut W, frames: &[&Frame]) -> Result<usize, WireError>
where
    W: AsyncWrite + Unpin + ?Sized,
{
    let capacity = frames.iter().map(|frame| frame.encoded_len()).sum();
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(capacity));
    for frame in frames {
        frame.encode_into(&mut bytes)?;
    }
    writer.write_all(&bytes).await?;
    writer.flush().await?;
    Ok(bytes.len())
}

/// Reads until `buf` is full or the stream ends; returns how many bytes arrived.
async fn fill<R>(reader: &mut R, buf: &mut [u8]) -> Result<usize, WireError>
where
    R: AsyncRead + Unpin + ?Sized,
{
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]).await {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(WireError::Io(e)),
        }
    }
    Ok(filled)
}
