/** The shape of licences.json, which `make licences` writes (scripts/licences.py). */
export interface Package {
  name: string;
  version: string;
  /** An SPDX expression as the package declares it, or "unknown". */
  license: string;
  repository: string | null;
}

export interface Licences {
  /** The tools that read the metadata, with their versions. */
  tools: string[];
  crates: Package[];
  npm: Package[];
}
