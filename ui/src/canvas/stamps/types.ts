/** The shape of one stamp: layers of SVG path data in a 100 x 100 box, painted bottom to top. */

export type StampGroup = "animals" | "nature" | "vehicles" | "faces" | "space";

export interface StampLayer {
  /** SVG path data (what goes in `<path d="...">`), in the 100 x 100 box. */
  readonly d: string;
  /** A CSS colour, or "ink": the stamp's own main colour, or the child's colour when the stamp is tinted. */
  readonly fill: string;
}

export interface StampDef {
  readonly id: string;
  readonly name: string;
  /** The main colour when the stamp is not tinted. */
  readonly ink: string;
  readonly layers: readonly StampLayer[];
}
