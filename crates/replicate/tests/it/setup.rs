//! Shared setup: a server, a client with millisecond retry delays, and request builders.

use serde_json::{json, Value};
use skaitch_replicate::{
    Client, CreatePrediction, Options, RateLimit, RetryPolicy, Target, Timeouts, Token, WaitOptions,
};
use skaitch_testkit::replicate_server::{ModelConfig, ReplicateServer, ServerConfig};
use std::time::Duration;

pub const USER_AGENT: &str = "skaitch-tests/0.0";

/// Millisecond backoff so retries are quick; a request timeout that slow faults can exceed.
pub fn fast_options(request_timeout: Duration) -> Options {
    Options {
        timeouts: Timeouts {
            connect: Duration::from_secs(2),
            request: request_timeout,
            download: Duration::from_secs(5),
            upload_bytes_per_sec: 1 << 20,
        },
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(4),
            max_delay: Duration::from_millis(40),
            max_rate_limit_wait: Duration::from_secs(5),
        },
        create_rate: RateLimit::default(),
    }
}

pub fn client_for(server: &ReplicateServer, token: &str, options: Options) -> Client {
    Client::with_options(&server.url(), Token::new(token), USER_AGENT, options)
        .expect("client for the local server")
}

/// A default server and a client holding its token.
pub fn start() -> (ReplicateServer, Client) {
    start_with(ServerConfig::default())
}

pub fn start_with(config: ServerConfig) -> (ReplicateServer, Client) {
    let server = ReplicateServer::start(config);
    let client = client_for(
        &server,
        &server.token(),
        fast_options(Duration::from_secs(5)),
    );
    (server, client)
}

/// Polls every few milliseconds, giving up after ten seconds.
pub const WAIT: WaitOptions = WaitOptions {
    interval: Duration::from_millis(5),
    deadline: Duration::from_secs(10),
};

pub const IMG2IMG: &str = "stability-ai/stable-diffusion-img2img";
pub const FLUX: &str = "black-forest-labs/flux-kontext-pro";

/// An img2img run by version hash.
pub fn img2img(input: Value) -> CreatePrediction {
    CreatePrediction {
        target: Target::Version(ModelConfig::stable_diffusion_img2img().version),
        input,
        cancel_after: None,
    }
}

/// A flux-kontext-pro run through the official-model route.
pub fn flux(input: Value) -> CreatePrediction {
    CreatePrediction {
        target: Target::Model {
            owner: "black-forest-labs".into(),
            name: "flux-kontext-pro".into(),
        },
        input,
        cancel_after: None,
    }
}

/// Decodes downloaded bytes as an image, failing the test if they are not one.
pub fn decode_image(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("output decodes as an image");
    (img.width(), img.height())
}

/// An img2img input asking for `n` outputs.
pub fn sketch_input(n: u32) -> serde_json::Value {
    json!({"prompt": "a friendly dragon", "image": "https://example.com/sketch.png", "num_outputs": n})
}
