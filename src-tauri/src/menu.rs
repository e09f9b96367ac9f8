//! The native app menu (File, Edit, Help; on macOS the app menu first). Every custom item only
//! names itself to the window (`events::MENU`), which runs the same code as its button.

use crate::events;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem, Submenu};
use tauri::{AppHandle, Emitter, Runtime};

/// Ids the window's `lib/menu.ts` switches on.
pub const IMPORT: &str = "import";
pub const EXPORT_GALLERY: &str = "export-gallery";
pub const UNDO: &str = "undo";
pub const REDO: &str = "redo";
pub const ABOUT: &str = "about";
/// Quit is ours, not the predefined item, which GTK shows greyed out.
const QUIT: &str = "quit";

/// Builds the menu. Undo and Redo carry no shortcut: Ctrl+Z stays with the page (the canvas
/// and text fields handle it), so the menu never steals it from a text field.
pub fn build<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<Menu<R>> {
    let item =
        |id: &str, text: &str, accel: Option<&str>| MenuItem::with_id(app, id, text, true, accel);
    let file = Submenu::with_items(
        app,
        "&File",
        true,
        &[
            &item(IMPORT, "&Import…", Some("CmdOrCtrl+O"))?,
            &item(EXPORT_GALLERY, "&Export gallery…", None)?,
            &PredefinedMenuItem::separator(app)?,
            &item(QUIT, "&Quit", Some("CmdOrCtrl+Q"))?,
        ],
    )?;
    let edit = Submenu::with_items(
        app,
        "&Edit",
        true,
        &[&item(UNDO, "&Undo", None)?, &item(REDO, "&Redo", None)?],
    )?;
    // Text fields on macOS cut, copy and paste only through the Edit menu's items. Elsewhere
    // the page keeps Ctrl+C/V (a pasted picture is imported), so no item claims those keys.
    #[cfg(target_os = "macos")]
    edit.append_items(&[
        &PredefinedMenuItem::separator(app)?,
        &PredefinedMenuItem::cut(app, None)?,
        &PredefinedMenuItem::copy(app, None)?,
        &PredefinedMenuItem::paste(app, None)?,
        &PredefinedMenuItem::select_all(app, None)?,
    ])?;
    let help = Submenu::with_items(app, "&Help", true, &[&item(ABOUT, "&About Skaitch", None)?])?;
    let menu = Menu::with_items(app, &[&file, &edit, &help])?;
    #[cfg(target_os = "macos")]
    {
        // macOS puts the first submenu under the app's name.
        let app_menu = Submenu::with_items(
            app,
            "Skaitch",
            true,
            &[
                &item(ABOUT, "About Skaitch", None)?,
                &PredefinedMenuItem::separator(app)?,
                &PredefinedMenuItem::hide(app, None)?,
                &PredefinedMenuItem::hide_others(app, None)?,
                &PredefinedMenuItem::show_all(app, None)?,
                &PredefinedMenuItem::separator(app)?,
                &item(QUIT, "Quit Skaitch", Some("CmdOrCtrl+Q"))?,
            ],
        )?;
        menu.prepend(&app_menu)?;
    }
    Ok(menu)
}

/// Quits (the exit hook ships the last changes), or tells the window which item was chosen.
pub fn on_event<R: Runtime>(app: &AppHandle<R>, event: tauri::menu::MenuEvent) {
    if event.id().as_ref() == QUIT {
        app.exit(0);
    } else {
        let _ = app.emit(events::MENU, event.id().as_ref());
    }
}
