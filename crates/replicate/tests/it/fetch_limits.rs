//! What a hostile model's outputs cannot make the app do: fetch from the home network or any
//! other host, or stream more than [`MAX_BODY_BYTES`] into memory (from a server or a `data:`
//! URI). Refused with [`Error::Refused`], never retried.

use super::setup::fast_options;
use skaitch_replicate::{Client, Error, Token, MAX_BODY_BYTES};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::Duration;

fn client(base: &str) -> Client {
    Client::with_options(
        base,
        Token::new("r8_test"),
        "skaitch-tests",
        fast_options(Duration::from_secs(5)),
    )
    .unwrap()
}

/// A server on loopback that answers every request with a body of `len` zero bytes, with a
/// `Content-Length` or (`chunked`) without one.
fn serve_zeros(len: usize, chunked: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/out-0.png", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { return };
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let head = if chunked {
                "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ntransfer-encoding: chunked\r\n\r\n"
                    .to_owned()
            } else {
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: image/png\r\ncontent-length: {len}\r\n\r\n"
                )
            };
            if s.write_all(head.as_bytes()).is_err() {
                continue;
            }
            let chunk = vec![0u8; 1 << 20];
            let mut sent = 0;
            while sent < len {
                let n = chunk.len().min(len - sent);
                let ok = if chunked {
                    s.write_all(format!("{n:x}\r\n").as_bytes()).is_ok()
                        && s.write_all(&chunk[..n]).is_ok()
                        && s.write_all(b"\r\n").is_ok()
                } else {
                    s.write_all(&chunk[..n]).is_ok()
                };
                if !ok {
                    break; // the client stopped reading: what it should do
                }
                sent += n;
            }
            if chunked {
                let _ = s.write_all(b"0\r\n\r\n");
            }
        }
    });
    url
}

fn refused(r: Result<(Vec<u8>, Option<String>), Error>) -> String {
    match r {
        Err(e @ Error::Refused { .. }) => e.to_string(),
        other => panic!(
            "expected a refusal, got {:?}",
            other.map(|(b, t)| (b.len(), t))
        ),
    }
}

#[tokio::test]
async fn outputs_from_the_home_network_or_another_host_are_never_requested() {
    let real = client("https://api.replicate.com/v1");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let local = format!("http://{}/router-admin.png", listener.local_addr().unwrap());
    for url in [
        local.as_str(),
        "http://192.168.1.1/admin.png",
        "https://10.0.0.2/x.png",
        "https://evil.example/out.png",
        "http://replicate.delivery/over-plain-http.png",
    ] {
        let e = refused(real.download(url).await);
        assert!(e.contains("not a Replicate address"), "{url}: {e}");
    }
    assert!(
        listener.accept().is_err(),
        "nothing connected to this computer"
    );
}

#[tokio::test]
async fn no_output_streams_more_than_the_cap_into_memory() {
    // The API on this computer (tests): outputs on this computer may be fetched.
    let c = client("http://127.0.0.1:9/v1");
    let e = refused(c.download(&serve_zeros(MAX_BODY_BYTES + 1, false)).await);
    assert!(e.contains("more than 64 MiB"), "{e}");
    let e = refused(
        c.download(&serve_zeros(MAX_BODY_BYTES + (4 << 20), true))
            .await,
    );
    assert!(e.contains("more than 64 MiB"), "{e}");
    // Under the cap, it is read whole.
    let (bytes, _) = c.download(&serve_zeros(3 << 20, true)).await.unwrap();
    assert_eq!(bytes.len(), 3 << 20);

    let huge = format!(
        "data:image/png;base64,{}",
        "A".repeat(MAX_BODY_BYTES / 3 * 4 + 4096)
    );
    let e = refused(c.download(&huge).await);
    assert!(e.contains("data: URI"), "{e}");
}
