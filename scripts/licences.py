#!/usr/bin/env python3
"""Writes ui/src/about/licences.json, the third-party licences the About dialog lists, from the
packages' own metadata: cargo-license for the Rust crates the app links (no build or dev
dependencies, no proc macros) and license-checker-rseidelsohn for the npm packages the page ships (the UI's
`dependencies`). Usage: scripts/licences.py CARGO_LICENSE_BIN [--check]"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "ui", "src", "about", "licences.json")
OURS = ("skaitch", "litestream-rs")


def run(*cmd):
    return subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True).stdout


def crates(cargo_license):
    raw = json.loads(run(cargo_license, "license", "--json", "--avoid-build-deps", "--avoid-dev-deps",
                         "--avoid-proc-macros",
                         "--manifest-path", "src-tauri/Cargo.toml"))
    return [{"name": c["name"], "version": c["version"], "license": c.get("license") or "unknown",
             "repository": c.get("repository")}
            for c in raw if not c["name"].startswith(OURS)]


def npm():
    checker = os.path.join(ROOT, "ui", "node_modules", ".bin", "license-checker-rseidelsohn")
    raw = json.loads(run(checker, "--start", "ui", "--production", "--json", "--excludePrivatePackages"))
    out = []
    for key, p in raw.items():
        name, _, version = key.rpartition("@")
        licence = p.get("licenses") or "unknown"
        out.append({"name": name, "version": version,
                    "license": " OR ".join(licence) if isinstance(licence, list) else licence,
                    "repository": p.get("repository")})
    return out


def tool_versions(cargo_license):
    # cargo-license has no --version; cargo install keeps a record beside its bin/ folder.
    record = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(cargo_license))), ".crates.toml")
    with open(record) as f:
        cl = next(line.split('"')[1].split()[1] for line in f if line.startswith('"cargo-license '))
    with open(os.path.join(ROOT, "ui", "node_modules", "license-checker-rseidelsohn", "package.json")) as f:
        lc = json.load(f)["version"]
    return [f"cargo-license {cl}", f"license-checker-rseidelsohn {lc}"]


def main():
    cargo_license = sys.argv[1]
    key = lambda p: (p["name"], p["version"])
    doc = {"tools": tool_versions(cargo_license), "crates": sorted(crates(cargo_license), key=key),
           "npm": sorted(npm(), key=key)}
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        with open(OUT) as f:
            if f.read() != text:
                sys.exit("ui/src/about/licences.json is stale: run 'make licences' and commit")
        return
    with open(OUT, "w") as f:
        f.write(text)
    print(f"licences: {len(doc['crates'])} crates, {len(doc['npm'])} npm packages -> {OUT}")


if __name__ == "__main__":
    main()
