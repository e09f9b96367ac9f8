//! Command-line flags the way Go's `flag` package reads them, so the official tool's command
//! lines work unchanged: `-name value`, `-name=value`, `--name`, boolean flags without a value.

use std::collections::HashMap;

use litestream_rs::Error;

/// Parsed flags and positional arguments of one command.
#[derive(Debug, Default)]
pub struct Args {
    values: HashMap<String, String>,
    switches: Vec<String>,
    pub positional: Vec<String>,
}

impl Args {
    /// Splits `args`; `valued` flags take a value, `switches` do not (`-x=false` turns one off).
    /// A switch listed in `optional_value` also takes the next argument when it is one of the
    /// given words (`-integrity-check full`).
    pub fn parse(
        args: &[String],
        valued: &[&str],
        switches: &[&str],
        optional_value: &[(&str, &[&str])],
    ) -> Result<Args, Error> {
        let mut out = Args::default();
        let mut it = args.iter().peekable();
        while let Some(arg) = it.next() {
            let Some(flag) = arg.strip_prefix("--").or(arg.strip_prefix('-')) else {
                out.positional.push(arg.clone());
                continue;
            };
            if flag.is_empty() {
                out.positional.push(arg.clone());
                continue;
            }
            let (name, inline) = match flag.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (flag, None),
            };
            if valued.contains(&name) {
                let value = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| Error::Usage(format!("flag -{name} needs a value")))?,
                };
                out.values.insert(name.to_owned(), value);
            } else if switches.contains(&name) {
                let on = match inline.as_deref() {
                    None | Some("true") | Some("1") => true,
                    Some("false") | Some("0") => false,
                    Some(v) => return Err(Error::Usage(format!("flag -{name}: bad value {v:?}"))),
                };
                if let Some((_, words)) = optional_value.iter().find(|(n, _)| *n == name) {
                    if let Some(next) = it.next_if(|n| words.contains(&n.as_str())) {
                        out.values.insert(name.to_owned(), next.clone());
                    }
                }
                if on {
                    out.switches.push(name.to_owned());
                }
            } else {
                return Err(Error::Usage(format!("unknown flag -{name}")));
            }
        }
        Ok(out)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn switch(&self, name: &str) -> bool {
        self.switches.iter().any(|s| s == name)
    }

    /// The one positional argument, or a usage error naming `what`.
    pub fn one(&self, what: &str) -> Result<&str, Error> {
        match self.positional.as_slice() {
            [one] => Ok(one),
            _ => Err(Error::Usage(format!("expected one argument: {what}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, Error> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        Args::parse(
            &args,
            &["config", "o", "txid"],
            &["if-db-not-exists", "integrity-check"],
            &[("integrity-check", &["none", "quick", "full"])],
        )
    }

    #[test]
    fn go_style_flags() {
        let a = parse(&["-config", "c.yml", "--o=out.db", "-if-db-not-exists", "db"]).unwrap();
        assert_eq!(a.value("config"), Some("c.yml"));
        assert_eq!(a.value("o"), Some("out.db"));
        assert!(a.switch("if-db-not-exists"));
        assert_eq!(a.one("db").unwrap(), "db");
        let a = parse(&["-integrity-check", "quick", "db"]).unwrap();
        assert_eq!(a.value("integrity-check"), Some("quick"));
        assert_eq!(a.positional, ["db"]);
        let a = parse(&["-integrity-check", "db"]).unwrap();
        assert_eq!(
            (a.value("integrity-check"), a.one("x").unwrap()),
            (None, "db")
        );
        assert!(!parse(&["-if-db-not-exists=false"])
            .unwrap()
            .switch("if-db-not-exists"));
        assert!(matches!(parse(&["-nope"]), Err(Error::Usage(_))));
        assert!(matches!(parse(&["-txid"]), Err(Error::Usage(_))));
        assert!(parse(&["a", "b"]).unwrap().one("db").is_err());
    }
}
