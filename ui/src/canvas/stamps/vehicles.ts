/** Vehicle stamps, drawn by us: things that go. "ink" parts take the chosen colour. */
import type { StampDef } from "./types";
import { bar, circle, ellipse, poly, rect, rrect } from "./paths";

const DARK = "#263238";
const GLASS = "#b3e5fc";
const wheels = (y: number, ...xs: number[]): string => xs.map((x) => circle(x, y, 10)).join("");
const hubs = (y: number, ...xs: number[]): string => xs.map((x) => circle(x, y, 4)).join("");

export const VEHICLES: readonly StampDef[] = [
  {
    id: "car",
    name: "Car",
    ink: "#e53935",
    layers: [
      { d: rrect(6, 48, 88, 26, 8) + poly([[24, 50], [34, 28], [66, 28], [78, 50]]), fill: "ink" },
      { d: poly([[32, 48], [38, 33], [49, 33], [49, 48]]) + poly([[53, 48], [53, 33], [63, 33], [71, 48]]), fill: GLASS },
      { d: wheels(76, 28, 72), fill: DARK },
      { d: hubs(76, 28, 72), fill: "#cfd8dc" },
    ],
  },
  {
    id: "bus",
    name: "Bus",
    ink: "#fdd835",
    layers: [
      { d: rrect(6, 22, 88, 54, 8), fill: "ink" },
      { d: rect(12, 30, 16, 16) + rect(32, 30, 16, 16) + rect(52, 30, 16, 16) + rect(74, 30, 14, 30), fill: GLASS },
      { d: wheels(78, 26, 72), fill: DARK },
      { d: hubs(78, 26, 72), fill: "#cfd8dc" },
    ],
  },
  {
    id: "truck",
    name: "Truck",
    ink: "#1e88e5",
    layers: [
      { d: rect(6, 26, 58, 48), fill: "ink" },
      { d: poly([[66, 40], [84, 40], [94, 56], [94, 74], [66, 74]]), fill: "#fb8c00" },
      { d: poly([[70, 44], [82, 44], [89, 56], [70, 56]]), fill: GLASS },
      { d: wheels(78, 24, 50, 80), fill: DARK },
    ],
  },
  {
    id: "train",
    name: "Train",
    ink: "#43a047",
    layers: [
      { d: rect(48, 22, 40, 52) + rect(10, 44, 40, 30) + rect(18, 26, 12, 20), fill: "ink" },
      { d: rect(56, 30, 24, 18), fill: GLASS },
      { d: rect(4, 70, 90, 6), fill: DARK },
      { d: wheels(80, 24, 52, 76), fill: DARK },
      { d: circle(22, 16, 7) + circle(32, 8, 5), fill: "#cfd8dc" },
    ],
  },
  {
    id: "boat",
    name: "Sailing boat",
    ink: "#e53935",
    layers: [
      { d: poly([[52, 8], [52, 62], [86, 62]]), fill: "#fafafa" },
      { d: poly([[48, 16], [48, 62], [18, 62]]), fill: "ink" },
      { d: rect(48, 8, 4, 58), fill: "#6d4c41" },
      { d: poly([[8, 66], [92, 66], [78, 86], [22, 86]]), fill: "#6d4c41" },
      { d: "M0 92Q12 84 25 92T50 92T75 92T100 92V100H0Z", fill: "#29b6f6" },
    ],
  },
  {
    id: "plane",
    name: "Aeroplane",
    ink: "#90a4ae",
    layers: [
      { d: poly([[40, 48], [60, 48], [48, 12], [40, 12]]) + poly([[40, 52], [60, 52], [48, 88], [40, 88]]), fill: "#1e88e5" },
      { d: ellipse(52, 50, 42, 10) + poly([[10, 50], [4, 30], [16, 30], [26, 46]]), fill: "ink" },
      { d: circle(80, 48, 3) + circle(70, 48, 3) + circle(60, 48, 3), fill: GLASS },
    ],
  },
  {
    id: "bicycle",
    name: "Bicycle",
    ink: "#8e24aa",
    layers: [
      { d: circle(24, 66, 18) + circle(76, 66, 18), fill: DARK },
      { d: circle(24, 66, 13) + circle(76, 66, 13), fill: "#ffffff" },
      { d: bar(24, 66, 44, 40, 5) + bar(44, 40, 70, 40, 5) + bar(70, 40, 76, 66, 5) + bar(44, 40, 50, 66, 5) + bar(24, 66, 50, 66, 5), fill: "ink" },
      { d: bar(42, 32, 54, 32, 5) + bar(68, 30, 72, 44, 4), fill: DARK },
    ],
  },
  {
    id: "helicopter",
    name: "Helicopter",
    ink: "#fb8c00",
    layers: [
      { d: rect(10, 14, 80, 5) + rect(47, 16, 6, 14), fill: DARK },
      { d: ellipse(46, 50, 28, 20) + bar(60, 48, 92, 42, 7) + rect(88, 32, 6, 18), fill: "ink" },
      { d: ellipse(34, 46, 12, 10), fill: GLASS },
      { d: rect(24, 76, 46, 4) + bar(34, 68, 32, 78, 4) + bar(58, 68, 60, 78, 4), fill: DARK },
    ],
  },
];
