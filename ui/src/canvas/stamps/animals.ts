/** Animal stamps, drawn by us: simple round shapes a child recognises. "ink" parts take the chosen colour. */
import type { StampDef } from "./types";
import { bar, circle, ellipse, poly } from "./paths";

const DARK = "#263238";
const PINK = "#f48fb1";
const WHITE = "#ffffff";
const eyes = (y: number, dx = 14, r = 5): string => circle(50 - dx, y, r) + circle(50 + dx, y, r);

export const ANIMALS: readonly StampDef[] = [
  {
    id: "cat",
    name: "Cat",
    ink: "#fb8c00",
    layers: [
      { d: poly([[18, 40], [24, 8], [44, 28]]) + poly([[82, 40], [76, 8], [56, 28]]), fill: "ink" },
      { d: circle(50, 55, 36), fill: "ink" },
      { d: eyes(48), fill: DARK },
      { d: poly([[44, 60], [56, 60], [50, 67]]), fill: PINK },
      { d: bar(10, 62, 36, 66, 2) + bar(10, 74, 36, 70, 2) + bar(90, 62, 64, 66, 2) + bar(90, 74, 64, 70, 2), fill: DARK },
    ],
  },
  {
    id: "dog",
    name: "Dog",
    ink: "#a1887f",
    layers: [
      { d: circle(50, 52, 34), fill: "ink" },
      { d: ellipse(18, 46, 11, 24) + ellipse(82, 46, 11, 24), fill: "#5d4037" },
      { d: ellipse(50, 68, 16, 12), fill: WHITE },
      { d: eyes(44, 13), fill: DARK },
      { d: ellipse(50, 62, 7, 5), fill: DARK },
    ],
  },
  {
    id: "bear",
    name: "Bear",
    ink: "#8d6e63",
    layers: [
      { d: circle(22, 24, 13) + circle(78, 24, 13), fill: "ink" },
      { d: circle(50, 54, 36), fill: "ink" },
      { d: ellipse(50, 68, 17, 13), fill: "#d7ccc8" },
      { d: eyes(46), fill: DARK },
      { d: ellipse(50, 62, 7, 5), fill: DARK },
    ],
  },
  {
    id: "rabbit",
    name: "Rabbit",
    ink: "#eeeeee",
    layers: [
      { d: ellipse(36, 26, 9, 24) + ellipse(64, 26, 9, 24), fill: "ink" },
      { d: ellipse(36, 26, 4, 16) + ellipse(64, 26, 4, 16), fill: PINK },
      { d: circle(50, 64, 30), fill: "ink" },
      { d: eyes(58, 11, 4), fill: DARK },
      { d: circle(50, 70, 4), fill: PINK },
    ],
  },
  {
    id: "fish",
    name: "Fish",
    ink: "#29b6f6",
    layers: [
      { d: poly([[70, 50], [96, 28], [96, 72]]), fill: "ink" },
      { d: ellipse(44, 50, 36, 24), fill: "ink" },
      { d: circle(26, 44, 7), fill: WHITE },
      { d: circle(25, 44, 3.5), fill: DARK },
    ],
  },
  {
    id: "bird",
    name: "Bird",
    ink: "#e53935",
    layers: [
      { d: circle(48, 54, 32), fill: "ink" },
      { d: ellipse(56, 62, 18, 11), fill: "#00000033" },
      { d: poly([[78, 44], [96, 50], [78, 56]]), fill: "#ffb300" },
      { d: circle(64, 42, 5), fill: DARK },
      { d: bar(40, 86, 36, 96, 3) + bar(54, 86, 58, 96, 3), fill: "#ffb300" },
    ],
  },
  {
    id: "pig",
    name: "Pig",
    ink: "#f8bbd0",
    layers: [
      { d: poly([[20, 34], [26, 10], [42, 24]]) + poly([[80, 34], [74, 10], [58, 24]]), fill: "ink" },
      { d: circle(50, 54, 36), fill: "ink" },
      { d: ellipse(50, 64, 15, 10), fill: "#f48fb1" },
      { d: circle(45, 64, 3) + circle(55, 64, 3), fill: DARK },
      { d: eyes(44, 15, 4), fill: DARK },
    ],
  },
  {
    id: "mouse",
    name: "Mouse",
    ink: "#9e9e9e",
    layers: [
      { d: circle(22, 30, 18) + circle(78, 30, 18), fill: "ink" },
      { d: circle(22, 30, 10) + circle(78, 30, 10), fill: PINK },
      { d: ellipse(50, 58, 28, 30), fill: "ink" },
      { d: eyes(52, 11, 4), fill: DARK },
      { d: circle(50, 72, 5), fill: PINK },
    ],
  },
  {
    id: "turtle",
    name: "Turtle",
    ink: "#43a047",
    layers: [
      { d: circle(86, 58, 10) + ellipse(26, 76, 8, 6) + ellipse(70, 76, 8, 6), fill: "#9ccc65" },
      { d: "M12 66A38 38 0 0 1 88 66Z", fill: "ink" },
      { d: poly([[40, 44], [50, 38], [60, 44], [60, 56], [50, 62], [40, 56]]), fill: "#00000026" },
      { d: circle(89, 55, 2.5), fill: DARK },
    ],
  },
];
