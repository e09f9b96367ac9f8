/** Vite config for the Skaitch UI: Svelte 5 SPA, served to Tauri on a fixed dev port. */
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5174, strictPort: true },
  build: { target: "safari15", outDir: "dist", emptyOutDir: true },
  // css: the contrast test reads app.css as text, which vitest otherwise hands over empty.
  test: { environment: "jsdom", include: ["src/**/*.test.ts"], css: { include: [/app\.css/] } },
});
