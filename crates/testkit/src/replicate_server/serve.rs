//! The accept loops on a background thread, with a per-connection kill switch so a fault can
//! close a connection without answering.

use super::faults::ConnKill;
use axum::{Extension, Router};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::{oneshot, Notify};

/// The running server thread; stopping it closes both listeners and every connection.
#[derive(Debug)]
pub(crate) struct Running {
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    /// Serves each `(listener, router)` pair on one background thread with its own runtime, so
    /// the server runs whatever the test's runtime is doing (or if it has none).
    pub(crate) fn spawn(servers: Vec<(std::net::TcpListener, Router)>) -> Running {
        let (tx, rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("replicate-test-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build the test server's runtime");
                rt.block_on(async move {
                    for (listener, router) in servers {
                        tokio::spawn(accept_loop(listener, router));
                    }
                    let _ = rx.await;
                });
            })
            .expect("spawn the test server's thread");
        Running {
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn accept_loop(listener: std::net::TcpListener, router: Router) {
    let listener = match listener
        .set_nonblocking(true)
        .and_then(|()| tokio::net::TcpListener::from_std(listener))
    {
        Ok(l) => l,
        Err(e) => panic!("test server listener: {e}"),
    };
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors or similar: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        let kill = Arc::new(Notify::new());
        let service =
            TowerToHyperService::new(router.clone().layer(Extension(ConnKill(kill.clone()))));
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            // Dropping the connection future closes the socket with no answer written.
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
            }
        });
    }
}
