/** Whether the About dialog is open (the Help menu opens it). */
export const about = $state({ open: false });
