//! The command line, as clap parses it.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "skaitch",
    version,
    about = "The Skaitch sketchbook, from the command line"
)]
pub struct Cli {
    /// The data folder (default: SKAITCH_DATA_DIR, else the app's data folder).
    #[arg(long, global = true, env = "SKAITCH_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import image files (PNG, JPEG, WebP, GIF, BMP) as sketches.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The child the sketches belong to.
        #[arg(long)]
        child: Option<String>,
        /// A title for every imported sketch (default: the file name).
        #[arg(long)]
        title: Option<String>,
        /// Clean up photos of drawings on paper: find the sheet, flatten it, even out the
        /// light and colour (`auto`), and keep only the lines (`lines`); `off` keeps the photo.
        #[arg(long, value_enum, default_value_t = Clean::Off)]
        clean: Clean,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Clean up an imported sketch's photo again from its original (or undo that).
    Clean {
        sketch_id: i64,
        /// The sheet's corners in pixels of the upright original: x,y for each of the four.
        #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
        corners: Option<Vec<f32>>,
        /// Keep only the lines.
        #[arg(long)]
        lines: bool,
        /// Go back to the photo as it was imported.
        #[arg(long, conflicts_with_all = ["corners", "lines"])]
        undo: bool,
    },
    /// List sketches, newest first.
    List {
        #[arg(long)]
        json: bool,
        /// Only this child's sketches.
        #[arg(long)]
        child: Option<String>,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
    /// Write a sketch's image to a file.
    Export {
        sketch_id: i64,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        #[arg(long, value_enum, default_value_t = Rendition::Original)]
        kind: Rendition,
    },
    /// Manage children's profiles.
    Children {
        #[command(subcommand)]
        command: ChildrenCommand,
    },
    /// Turn a sketch into art with Replicate.
    Generate {
        sketch_id: i64,
        /// A preset (sd-img2img, controlnet-scribble, flux-kontext-pro).
        #[arg(long)]
        model: String,
        /// A style (cartoon, watercolour, oil-painting, ...).
        #[arg(long)]
        style: String,
        /// What the drawing shows, in your words.
        #[arg(long)]
        prompt: Option<String>,
        /// How many pictures.
        #[arg(long)]
        outputs: Option<u32>,
        /// A seed, to get the same picture again.
        #[arg(long)]
        seed: Option<u32>,
        /// Wait for the pictures (else the generation waits in the queue for the app).
        #[arg(long)]
        wait: bool,
        #[arg(long)]
        json: bool,
    },
    /// The models beyond the presets that anyone may run ("Any model"); with no PIN set, no
    /// other model runs, and with one, any other needs SKAITCH_PARENT_PIN. Changing the list
    /// is parent-only.
    Models {
        /// Add owner/name to the list (every version of it).
        #[arg(long)]
        allow: Vec<String>,
        /// Take owner/name off the list.
        #[arg(long)]
        disallow: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// The generations in progress and the latest finished ones.
    Jobs {
        #[arg(long)]
        json: bool,
    },
    /// Cancel a generation.
    Cancel { generation_id: i64 },
    /// The family gallery: search, export to a folder, before-and-after cards, space.
    Gallery {
        #[command(subcommand)]
        command: GalleryCommand,
    },
    /// The Replicate API token, kept in the OS keychain.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The sketchbook's continuous backup (S3 or a folder).
    Backup {
        #[command(subcommand)]
        command: crate::backup::BackupCommand,
    },
    /// Developer tools.
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
}

impl Command {
    /// Whether the command only reads the sketchbook: those still run while the app holds
    /// the data folder (every other command is refused then, never run beside it).
    pub fn is_read_only(&self) -> bool {
        use crate::backup::BackupCommand as B;
        match self {
            Command::List { .. } | Command::Export { .. } | Command::Jobs { .. } => true,
            Command::Models {
                allow, disallow, ..
            } => allow.is_empty() && disallow.is_empty(),
            Command::Children { command } => matches!(command, ChildrenCommand::List { .. }),
            Command::Gallery { command } => !matches!(command, GalleryCommand::Reclaim { .. }),
            Command::Token { command } => matches!(command, TokenCommand::Status { .. }),
            Command::Backup { command } => matches!(command, B::Status { .. } | B::Ltx),
            _ => false,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ChildrenCommand {
    /// Add a child.
    Add { name: String },
    /// List children.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Rename a child.
    Rename { name: String, new_name: String },
    /// Remove a child; say what happens to their sketches.
    Remove {
        name: String,
        /// keep (belong to nobody), delete, or give them to --to
        #[arg(long, value_enum, default_value_t = Orphans::Keep)]
        sketches: Orphans,
        /// With --sketches move: the child who gets them.
        #[arg(long)]
        to: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum GalleryCommand {
    /// Sketches with art, found by words (titles, children's names, prompts, styles, models).
    Search {
        words: Vec<String>,
        #[arg(long)]
        child: Option<String>,
        /// A style id (watercolour, cartoon, ...).
        #[arg(long)]
        style: Option<String>,
        /// Only art with a starred picture.
        #[arg(long)]
        favourites: bool,
        #[arg(long, default_value_t = 20)]
        limit: u32,
        #[arg(long)]
        json: bool,
    },
    /// Export every sketch (or one child's) with all its pictures, index.html and index.json,
    /// into a new folder inside DIR.
    Export {
        dir: PathBuf,
        #[arg(long)]
        child: Option<String>,
    },
    /// Write a picture's before-and-after card (PNG).
    Card {
        picture_id: i64,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    /// Give the space of deleted pictures back to the disk.
    Reclaim {
        /// Also rewrite an older database once so later reclaims are incremental.
        #[arg(long)]
        full: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Read a token from standard input, check it with Replicate, and store it.
    Set,
    /// Say where the token comes from and which account it belongs to.
    Status {
        /// Do not ask Replicate which account it is.
        #[arg(long)]
        offline: bool,
    },
    /// Remove the stored token.
    Clear,
}

#[derive(Debug, Subcommand)]
pub enum DevCommand {
    /// Fill the database with generated sketches (for benchmarks and demos).
    Seed {
        #[arg(long, default_value_t = 100)]
        sketches: u32,
        #[arg(long, default_value_t = 3)]
        children: u32,
        /// Finished art per sketch (made locally, no network), dated over the past years.
        #[arg(long, default_value_t = 0)]
        generations_per_sketch: u32,
        #[arg(long, default_value_t = 2)]
        pictures_per_generation: u32,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Orphans {
    Keep,
    Delete,
    Move,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Rendition {
    Original,
    Normalized,
    Thumbnail,
}

/// How `import --clean` treats photos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Clean {
    Auto,
    Lines,
    Off,
}
