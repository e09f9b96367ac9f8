//! A real S3 endpoint for tests and benchmarks: `moto_server` (PyPI `moto[server]`) started on
//! 127.0.0.1 with port 0. It is required: a missing binary fails with install instructions.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::litestream::wait_until;

const INSTALL: &str = "python3 -m venv $HOME/.cache/skaitch-tools/venv && \
     $HOME/.cache/skaitch-tools/venv/bin/pip install 'moto[server]==5.2.1'";

/// `$MOTO_SERVER_BIN`, else `$HOME/.cache/skaitch-tools/venv/bin/moto_server`.
pub fn moto_bin() -> PathBuf {
    let path = match std::env::var_os("MOTO_SERVER_BIN") {
        Some(p) => PathBuf::from(p),
        None => {
            let home = std::env::var_os("HOME").expect("HOME is not set");
            Path::new(&home).join(".cache/skaitch-tools/venv/bin/moto_server")
        }
    };
    assert!(
        path.is_file(),
        "moto_server not found at {} — install it with `{INSTALL}` or point MOTO_SERVER_BIN at it",
        path.display()
    );
    path
}

/// A running moto_server; killed on drop.
pub struct Moto {
    child: Child,
    pub port: u16,
    _log: tempfile::TempDir,
}

impl Moto {
    pub fn start() -> Moto {
        let log_dir = tempfile::tempdir().unwrap();
        let log = log_dir.path().join("moto.log");
        let out = std::fs::File::create(&log).unwrap();
        let child = Command::new(moto_bin())
            .args(["-H", "127.0.0.1", "-p", "0"])
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .expect("spawn moto_server");
        let mut moto = Moto {
            child,
            port: 0,
            _log: log_dir,
        };
        let mut port = None;
        wait_until(Duration::from_secs(60), "moto_server to listen", || {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            port = text
                .split("Running on http://127.0.0.1:")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|p| p.parse().ok());
            port.is_some()
        });
        moto.port = port.unwrap();
        moto
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Creates `bucket` with a path-style PUT.
    pub fn create_bucket(&self, bucket: &str) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "PUT /{bucket} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n",
            self.port
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        assert!(resp.starts_with("HTTP/1.1 200"), "create bucket: {resp}");
    }

    /// The server's address.
    pub fn addr(&self) -> std::net::SocketAddr {
        ([127, 0, 0, 1], self.port).into()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
