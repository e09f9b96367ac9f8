/** Face stamps, drawn by us: feelings a child can put on anything. "ink" is the face colour. */
import type { StampDef, StampLayer } from "./types";
import { bar, circle, ellipse, HEART, SMILE } from "./paths";

const DARK = "#263238";
const face: StampLayer = { d: circle(50, 50, 44), fill: "ink" };
const eyes = circle(36, 40, 6) + circle(64, 40, 6);

/** The heart from paths.ts shrunk into an eye socket around (cx, cy). */
function smallHeart(cx: number, cy: number): string {
  return HEART.replace(/(-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)/g, (_m, x: string, y: string) => {
    const sx = cx + (Number(x) - 50) * 0.22;
    const sy = cy + (Number(y) - 50) * 0.22;
    return `${Math.round(sx * 100) / 100} ${Math.round(sy * 100) / 100}`;
  });
}

export const FACES: readonly StampDef[] = [
  { id: "happy", name: "Happy face", ink: "#fdd835", layers: [face, { d: eyes + SMILE, fill: DARK }] },
  {
    id: "sad",
    name: "Sad face",
    ink: "#90caf9",
    layers: [face, { d: eyes + "M30 74Q50 52 70 74Q50 64 30 74Z", fill: DARK }, { d: ellipse(66, 52, 3, 6), fill: "#1e88e5" }],
  },
  {
    id: "laughing",
    name: "Laughing face",
    ink: "#fdd835",
    layers: [
      face,
      { d: bar(28, 40, 42, 36, 4) + bar(58, 36, 72, 40, 4) + "M26 56H74Q70 84 50 84Q30 84 26 56Z", fill: DARK },
      { d: ellipse(50, 76, 12, 6), fill: "#e57373" },
    ],
  },
  {
    id: "surprised",
    name: "Surprised face",
    ink: "#ffcc80",
    layers: [face, { d: eyes + ellipse(50, 68, 9, 12), fill: DARK }],
  },
  {
    id: "winking",
    name: "Winking face",
    ink: "#fdd835",
    layers: [face, { d: circle(36, 40, 6) + bar(56, 40, 72, 40, 4) + SMILE, fill: DARK }],
  },
  {
    id: "love",
    name: "Face in love",
    ink: "#fdd835",
    layers: [face, { d: smallHeart(35, 40) + smallHeart(65, 40), fill: "#e53935" }, { d: SMILE, fill: DARK }],
  },
  {
    id: "sleepy",
    name: "Sleepy face",
    ink: "#ce93d8",
    layers: [face, { d: bar(28, 42, 44, 42, 4) + bar(56, 42, 72, 42, 4) + ellipse(50, 68, 7, 5), fill: DARK }],
  },
  {
    id: "silly",
    name: "Silly face",
    ink: "#a5d6a7",
    layers: [
      face,
      { d: circle(36, 40, 9) + circle(64, 40, 9), fill: "#ffffff" },
      { d: circle(38, 42, 4) + circle(62, 38, 4) + "M30 60H70Q50 70 30 60Z", fill: DARK },
      { d: "M42 62H58V74A8 8 0 0 1 42 74Z", fill: "#e57373" },
    ],
  },
];
