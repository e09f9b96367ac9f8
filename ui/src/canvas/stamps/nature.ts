/** Nature stamps, drawn by us: sun, flower, tree and friends. "ink" parts take the chosen colour. */
import type { StampDef } from "./types";
import { bar, circle, ellipse, HEART, poly, rect } from "./paths";

const rays = (): string => {
  let d = "";
  for (let i = 0; i < 12; i++) {
    const a = (i * Math.PI) / 6;
    d += bar(50 + 30 * Math.cos(a), 50 + 30 * Math.sin(a), 50 + 46 * Math.cos(a), 50 + 46 * Math.sin(a), 6);
  }
  return d;
};

const petals = (): string => {
  let d = "";
  for (let i = 0; i < 6; i++) {
    const a = (i * Math.PI) / 3;
    d += circle(50 + 17 * Math.cos(a), 38 + 17 * Math.sin(a), 12);
  }
  return d;
};

export const NATURE: readonly StampDef[] = [
  {
    id: "sun",
    name: "Sun",
    ink: "#fdd835",
    layers: [
      { d: rays(), fill: "#fb8c00" },
      { d: circle(50, 50, 26), fill: "ink" },
    ],
  },
  {
    id: "flower",
    name: "Flower",
    ink: "#f06292",
    layers: [
      { d: rect(47, 50, 6, 46), fill: "#2e7d32" },
      { d: ellipse(64, 78, 12, 6), fill: "#43a047" },
      { d: petals(), fill: "ink" },
      { d: circle(50, 38, 10), fill: "#fdd835" },
    ],
  },
  {
    id: "tree",
    name: "Tree",
    ink: "#43a047",
    layers: [
      { d: rect(42, 56, 16, 40), fill: "#6d4c41" },
      { d: circle(50, 36, 28) + circle(28, 52, 18) + circle(72, 52, 18), fill: "ink" },
    ],
  },
  {
    id: "leaf",
    name: "Leaf",
    ink: "#7cb342",
    layers: [
      { d: "M14 86C14 40 44 12 88 12C88 58 58 86 14 86Z", fill: "ink" },
      { d: bar(18, 82, 76, 24, 3), fill: "#33691e" },
    ],
  },
  {
    id: "cloud",
    name: "Cloud",
    ink: "#b3e5fc",
    layers: [{ d: circle(32, 58, 20) + circle(52, 44, 24) + circle(72, 58, 18) + rect(32, 56, 40, 22), fill: "ink" }],
  },
  {
    id: "mushroom",
    name: "Mushroom",
    ink: "#e53935",
    layers: [
      { d: rect(38, 50, 24, 38), fill: "#fff3e0" },
      { d: "M10 56A40 40 0 0 1 90 56Z", fill: "ink" },
      { d: circle(34, 38, 6) + circle(60, 30, 7) + circle(74, 46, 5), fill: "#ffffff" },
    ],
  },
  {
    id: "apple",
    name: "Apple",
    ink: "#e53935",
    layers: [
      { d: rect(48, 8, 5, 18), fill: "#6d4c41" },
      { d: ellipse(64, 18, 12, 6), fill: "#43a047" },
      { d: circle(36, 58, 28) + circle(64, 58, 28), fill: "ink" },
      { d: ellipse(34, 48, 6, 9), fill: "#ffffff66" },
    ],
  },
  {
    id: "raindrop",
    name: "Raindrop",
    ink: "#1e88e5",
    layers: [
      { d: "M50 8C62 34 78 48 78 66A28 28 0 0 1 22 66C22 48 38 34 50 8Z", fill: "ink" },
      { d: ellipse(38, 64, 5, 9), fill: "#ffffff88" },
    ],
  },
  {
    id: "butterfly",
    name: "Butterfly",
    ink: "#8e24aa",
    layers: [
      { d: ellipse(30, 34, 20, 22) + ellipse(70, 34, 20, 22) + ellipse(32, 70, 16, 16) + ellipse(68, 70, 16, 16), fill: "ink" },
      { d: ellipse(50, 52, 5, 30), fill: "#263238" },
      { d: bar(48, 24, 40, 8, 2) + bar(52, 24, 60, 8, 2), fill: "#263238" },
    ],
  },
  {
    id: "heart",
    name: "Heart",
    ink: "#e53935",
    layers: [{ d: HEART, fill: "ink" }],
  },
  {
    id: "grass",
    name: "Grass",
    ink: "#43a047",
    layers: [
      {
        d: poly([
          [6, 92], [14, 40], [24, 92], [32, 30], [42, 92], [50, 20], [58, 92], [68, 34], [76, 92], [86, 44], [94, 92],
        ]),
        fill: "ink",
      },
    ],
  },
];
