/** The schema-built form: which fields a parent sees, and how their values are typed. */
import { describe, expect, it } from "vitest";
import { extraInput, schemaFields } from "./schemaForm";

const schema = {
  properties: {
    image: { type: "string", format: "uri", "x-order": 0 },
    prompt: { type: "string", "x-order": 1 },
    disable_safety_checker: { type: "boolean", default: false },
    guidance: { type: "number", default: 3.5, minimum: 0, maximum: 10, "x-order": 3 },
    steps: { type: "integer", default: 28, "x-order": 2 },
    scheduler: { enum: ["DDIM", "K_EULER"], default: "DDIM", "x-order": 4 },
    go_fast: { type: "boolean", default: true, "x-order": 5 },
    loras: { type: "array", "x-order": 6 },
  },
};

describe("schemaFields", () => {
  it("offers only what Skaitch does not fill in, in the model's order", () => {
    const names = schemaFields(schema).map((f) => f.name);
    expect(names).toEqual(["steps", "guidance", "scheduler", "go_fast"]);
    expect(names).not.toContain("disable_safety_checker");
  });

  it("types changed values and leaves defaults out", () => {
    const fields = schemaFields(schema);
    const out = extraInput(fields, { steps: "40.4", guidance: "3.5", scheduler: "K_EULER", go_fast: false });
    expect(out).toEqual({ steps: 40, scheduler: "K_EULER", go_fast: false });
  });
});

describe("Cog schemas", () => {
  // As Replicate publishes jagilley/controlnet-scribble: choices behind allOf/$ref.
  const input = {
    properties: {
      image: { type: "string", format: "uri", "x-order": 0 },
      num_samples: { allOf: [{ $ref: "#/components/schemas/num_samples" }], default: "1", "x-order": 2 },
      image_resolution: { allOf: [{ $ref: "#/components/schemas/image_resolution" }], default: "512", "x-order": 3 },
      scale: { type: "number", default: 9, "x-order": 5 },
    },
  };
  const components = {
    num_samples: { title: "num_samples", enum: ["1", "4"], type: "string" },
    image_resolution: { title: "image_resolution", enum: ["256", "512", "768"], type: "string" },
  };

  it("keeps a choice behind a $ref, with its strings as strings", () => {
    const fields = schemaFields(input, components);
    const res = fields.find((f) => f.name === "image_resolution");
    expect(res?.kind).toBe("choice");
    expect(res?.choices).toEqual(["256", "512", "768"]);
    expect(extraInput(fields, { image_resolution: "768", scale: "9" })).toEqual({ image_resolution: "768" });
  });

  it("offers a choice the core resolved already", () => {
    const resolved = { properties: { image_resolution: { enum: ["256", "512"], type: "string", default: "512", "x-order": 1 } } };
    expect(schemaFields(resolved).map((f) => f.kind)).toEqual(["choice"]);
  });
});
