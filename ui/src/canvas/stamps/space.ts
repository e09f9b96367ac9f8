/** Space stamps, drawn by us: rockets, planets and visitors. "ink" parts take the chosen colour. */
import type { StampDef } from "./types";
import { bar, circle, ellipse, poly, rect, star } from "./paths";

const DARK = "#263238";

export const SPACE: readonly StampDef[] = [
  {
    id: "rocket",
    name: "Rocket",
    ink: "#e53935",
    layers: [
      { d: poly([[42, 78], [50, 98], [58, 78]]), fill: "#ffb300" },
      { d: poly([[34, 56], [20, 80], [36, 76]]) + poly([[66, 56], [80, 80], [64, 76]]), fill: "ink" },
      { d: "M50 4C66 18 68 44 64 78H36C32 44 34 18 50 4Z", fill: "#eceff1" },
      { d: "M50 4C58 11 62 20 64 28H36C38 20 42 11 50 4Z", fill: "ink" },
      { d: circle(50, 46, 8), fill: "#29b6f6" },
    ],
  },
  {
    id: "planet",
    name: "Planet",
    ink: "#ab47bc",
    layers: [
      { d: circle(50, 50, 28), fill: "ink" },
      { d: "M6 60C10 48 90 36 94 40C96 46 16 70 6 60ZM14 58C26 60 74 48 86 42C74 42 26 52 14 58Z", fill: "#ffb300" },
      { d: circle(40, 40, 5) + circle(60, 62, 4), fill: "#00000026" },
    ],
  },
  {
    id: "moon",
    name: "Moon",
    ink: "#fff59d",
    layers: [
      { d: "M62 8A42 42 0 1 0 92 72A34 34 0 1 1 62 8Z", fill: "ink" },
      { d: circle(30, 50, 5) + circle(44, 76, 4), fill: "#00000020" },
    ],
  },
  { id: "star", name: "Star", ink: "#fdd835", layers: [{ d: star(50, 52, 46, 19), fill: "ink" }] },
  {
    id: "comet",
    name: "Comet",
    ink: "#4fc3f7",
    layers: [
      { d: poly([[6, 20], [70, 56], [60, 72]]) + poly([[14, 50], [64, 62], [62, 70]]), fill: "ink" },
      { d: circle(70, 68, 18), fill: "#fdd835" },
    ],
  },
  {
    id: "alien",
    name: "Alien",
    ink: "#7cb342",
    layers: [
      { d: bar(36, 24, 28, 6, 3) + bar(64, 24, 72, 6, 3) + circle(28, 6, 5) + circle(72, 6, 5), fill: "ink" },
      { d: ellipse(50, 56, 36, 38), fill: "ink" },
      { d: ellipse(36, 48, 10, 13) + ellipse(64, 48, 10, 13), fill: DARK },
      { d: circle(38, 44, 3) + circle(66, 44, 3), fill: "#ffffff" },
      { d: "M38 74Q50 82 62 74Q50 78 38 74Z", fill: DARK },
    ],
  },
  {
    id: "ufo",
    name: "Flying saucer",
    ink: "#90a4ae",
    layers: [
      { d: poly([[40, 70], [60, 70], [78, 98], [22, 98]]), fill: "#fff59d99" },
      { d: ellipse(50, 40, 20, 18), fill: "#80deea" },
      { d: ellipse(50, 56, 46, 14), fill: "ink" },
      { d: circle(24, 56, 4) + circle(50, 60, 4) + circle(76, 56, 4), fill: "#ffeb3b" },
    ],
  },
  {
    id: "satellite",
    name: "Satellite",
    ink: "#ffb300",
    layers: [
      { d: rect(4, 40, 28, 20) + rect(68, 40, 28, 20), fill: "#1e88e5" },
      { d: rect(30, 48, 40, 4), fill: DARK },
      { d: rect(38, 34, 24, 32), fill: "ink" },
      { d: bar(50, 34, 50, 18, 3) + circle(50, 16, 5), fill: DARK },
    ],
  },
  {
    id: "astronaut",
    name: "Astronaut",
    ink: "#eceff1",
    layers: [
      { d: rect(30, 50, 40, 40) + rect(16, 54, 14, 26) + rect(70, 54, 14, 26), fill: "ink" },
      { d: circle(50, 32, 26), fill: "ink" },
      { d: ellipse(50, 32, 18, 14), fill: "#455a64" },
      { d: ellipse(44, 28, 5, 4), fill: "#ffffff99" },
      { d: rect(42, 60, 16, 10), fill: "#e53935" },
    ],
  },
];
