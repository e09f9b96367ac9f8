//! S3 error text a person can read: the SDK's cause chain without its `Debug` dump.

/// The SDK's error context without the `Debug` dump it ends with (the raw HTTP response, XML
/// body and all): what a log line or the app's backup panel can show.
pub(super) fn concise(full: &str) -> String {
    const DUMPS: [&str; 5] = [
        " (ServiceError(",
        " (DispatchFailure(",
        " (TimeoutError(",
        " (ResponseError(",
        " (ConstructionFailure(",
    ];
    let cut = DUMPS.iter().filter_map(|d| full.find(d)).min();
    cut.map_or(full, |i| &full[..i]).trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::concise;

    #[test]
    fn s3_errors_lose_the_sdk_debug_dump_and_keep_the_cause() {
        let full =
            "service error: NoSuchBucket: The specified bucket does not exist (ServiceError(\
                    ServiceError { source: NoSuchBucket, raw: Response { status: 404 } }))";
        assert_eq!(
            concise(full),
            "service error: NoSuchBucket: The specified bucket does not exist"
        );
        let dispatch = "dispatch failure: io error: Connection refused (os error 111) \
                        (DispatchFailure(DispatchFailure { source: ConnectorError }))";
        assert_eq!(
            concise(dispatch),
            "dispatch failure: io error: Connection refused (os error 111)"
        );
        assert_eq!(concise("timed out"), "timed out");
    }
}
