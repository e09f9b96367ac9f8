/** Entry point: mounts the Svelte app. */
import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
// The two fonts of the Words tool (SIL Open Font License 1.1), bundled so they work offline.
import "@fontsource/fredoka/latin-600.css";
import "@fontsource/patrick-hand/latin-400.css";

const target = document.getElementById("app");
if (!target) throw new Error("missing #app element");
export default mount(App, { target });
