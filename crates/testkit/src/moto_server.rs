//! A real S3 endpoint for tests: `moto_server` (PyPI `moto[server]`) started on 127.0.0.1
//! port 0 and killed on drop. `$MOTO_SERVER_BIN` names it (else the tools venv's). With
//! [`MotoServer::start_with_auth`] it checks signatures and IAM policies, so wrong keys and
//! missing permissions fail as on AWS.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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

/// An access key pair moto knows (with [`MotoServer::start_with_auth`]).
#[derive(Debug, Clone)]
pub struct Keys {
    pub id: String,
    pub secret: String,
}

/// A running moto_server.
pub struct MotoServer {
    child: Child,
    pub port: u16,
    _log: tempfile::TempDir,
}

/// Requests moto serves before it starts checking signatures (the setup below fits in it).
const NO_AUTH_BUDGET: u32 = 40;

impl MotoServer {
    /// A server that accepts any keys.
    pub fn start() -> MotoServer {
        MotoServer::spawn(None)
    }

    /// A server that checks keys, with `buckets` created, and two users: `full` may do
    /// anything in S3, `write_only` may only put objects.
    pub fn start_with_auth(buckets: &[&str]) -> (MotoServer, Keys, Keys) {
        let moto = MotoServer::spawn(Some(NO_AUTH_BUDGET));
        for b in buckets {
            moto.create_bucket(b);
        }
        let full = moto.user("family", "s3:*");
        let write_only = moto.user("writer", "s3:PutObject");
        // Spend what is left of the unauthenticated budget, so every later request is checked.
        let deadline = Instant::now() + Duration::from_secs(30);
        let bogus = "AWS4-HMAC-SHA256 Credential=AKIDBOGUS/20240101/us-east-1/s3/aws4_request, \
                     SignedHeaders=host, Signature=0";
        while moto.request("GET", "/", &[("Authorization", bogus)], "").0 != 403 {
            assert!(
                Instant::now() < deadline,
                "moto never started checking signatures"
            );
        }
        (moto, full, write_only)
    }

    fn spawn(no_auth: Option<u32>) -> MotoServer {
        let log_dir = tempfile::tempdir().expect("temp dir");
        let log = log_dir.path().join("moto.log");
        let out = std::fs::File::create(&log).expect("moto log");
        let mut cmd = Command::new(moto_bin());
        cmd.args(["-H", "127.0.0.1", "-p", "0"])
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("moto log"))
            .stderr(out);
        if let Some(n) = no_auth {
            cmd.env("INITIAL_NO_AUTH_ACTION_COUNT", n.to_string());
        }
        let child = cmd.spawn().expect("spawn moto_server");
        let mut moto = MotoServer {
            child,
            port: 0,
            _log: log_dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let port = text
                .split("Running on http://127.0.0.1:")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|p| p.parse().ok());
            if let Some(p) = port {
                moto.port = p;
                return moto;
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not start: {text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's address (a proxy in front of it connects here).
    pub fn addr(&self) -> std::net::SocketAddr {
        ([127, 0, 0, 1], self.port).into()
    }

    /// Creates `bucket` (path-style PUT).
    pub fn create_bucket(&self, bucket: &str) {
        let (status, body) = self.request("PUT", &format!("/{bucket}"), &[], "");
        assert_eq!(status, 200, "create bucket {bucket}: {body}");
    }

    /// An IAM user with one inline policy allowing `action` on everything, and its keys.
    fn user(&self, name: &str, action: &str) -> Keys {
        let iam = |params: &[(&str, &str)]| {
            let mut body = String::from("Version=2010-05-08");
            for (k, v) in params {
                body.push_str(&format!("&{k}={}", encode(v)));
            }
            let auth =
                "AWS4-HMAC-SHA256 Credential=AKIDSETUP/20240101/us-east-1/iam/aws4_request, \
                        SignedHeaders=host, Signature=0";
            let headers = [
                ("Authorization", auth),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ];
            let (status, text) = self.request("POST", "/", &headers, &body);
            assert_eq!(status, 200, "iam {params:?}: {text}");
            text
        };
        iam(&[("Action", "CreateUser"), ("UserName", name)]);
        let policy = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
        );
        iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", name),
            ("PolicyName", "p"),
            ("PolicyDocument", &policy),
        ]);
        let keys = iam(&[("Action", "CreateAccessKey"), ("UserName", name)]);
        let tag = |t: &str| {
            keys.split(&format!("<{t}>"))
                .nth(1)
                .and_then(|r| r.split(&format!("</{t}>")).next())
                .unwrap_or_else(|| panic!("no {t} in {keys}"))
                .to_owned()
        };
        Keys {
            id: tag("AccessKeyId"),
            secret: tag("SecretAccessKey"),
        }
    }

    /// One plain HTTP/1.1 request; returns the status and the body.
    fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to moto");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.port,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).expect("send to moto");
        let mut resp = String::new();
        s.read_to_string(&mut resp).expect("read from moto");
        let status = resp
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let body = resp
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    }
}

/// Percent-encodes a form value.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
