/** Turns a model's OpenAPI input schema into the few form fields a parent may set. */

/** One field of the form. */
export interface SchemaField {
  name: string;
  kind: "text" | "number" | "integer" | "boolean" | "choice";
  description: string;
  default: unknown;
  choices: unknown[];
  min?: number;
  max?: number;
}

/** Inputs Skaitch fills in itself (the drawing, the words, the seed, how many, the safety). */
const AUTOMATIC = new Set([
  "image",
  "input_image",
  "init_image",
  "image_input",
  "control_image",
  "prompt",
  "negative_prompt",
  "seed",
  "num_outputs",
  "num_samples",
  "prompt_strength",
  "disable_safety_checker",
  "safety_tolerance",
]);

type Prop = {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  "x-order"?: number;
  allOf?: Prop[];
  $ref?: string;
};

/**
 * A property with its `allOf` parts (and what their `$ref`s name in `components`) merged in,
 * its own keys winning: Cog keeps each input's choices in a sibling schema,
 * `{"allOf": [{"$ref": "#/components/schemas/scheduler"}], "default": "DDIM"}`.
 */
export function resolveProp(p: Prop, components: Record<string, Prop> = {}, depth = 0): Prop {
  if (depth > 8) return p;
  const target = (part: Prop): Prop => {
    const name = part.$ref?.replace("#/components/schemas/", "");
    if (name !== undefined) return components[name] ? resolveProp(components[name], components, depth + 1) : {};
    return resolveProp(part, components, depth + 1);
  };
  const merged: Prop = {};
  for (const part of p.allOf ?? []) {
    const { title: _title, ...rest } = target(part) as Prop & { title?: string };
    Object.assign(merged, rest);
  }
  if (p.$ref) Object.assign(merged, target(p));
  const { allOf: _allOf, $ref: _ref, ...own } = p;
  return { ...merged, ...own };
}

/**
 * The fields of `schema` (`components.schemas.Input`) a parent may set, in the model's order.
 * `components` (`components.schemas`) resolves choices kept behind `$ref`; the core sends
 * them resolved already, so it is only needed for a schema as Replicate publishes it.
 */
export function schemaFields(schema: Record<string, unknown>, components: Record<string, unknown> = {}): SchemaField[] {
  const raw = (schema.properties ?? {}) as Record<string, Prop>;
  const props = Object.fromEntries(
    Object.entries(raw).map(([name, p]) => [name, resolveProp(p, components as Record<string, Prop>)]),
  );
  return Object.entries(props)
    .filter(([name]) => !AUTOMATIC.has(name))
    .sort(([, a], [, b]) => (a["x-order"] ?? 999) - (b["x-order"] ?? 999))
    .flatMap(([name, p]): SchemaField[] => {
      const base = { name, description: p.description ?? "", default: p.default, choices: p.enum ?? [], min: p.minimum, max: p.maximum };
      if (p.enum && p.enum.length > 0) return [{ ...base, kind: "choice" }];
      switch (p.type) {
        case "string":
          return [{ ...base, kind: "text" }];
        case "number":
          return [{ ...base, kind: "number" }];
        case "integer":
          return [{ ...base, kind: "integer" }];
        case "boolean":
          return [{ ...base, kind: "boolean" }];
        default:
          return []; // arrays, files and objects are not offered
      }
    });
}

/** The values a parent changed from the defaults, typed as the schema wants them. */
export function extraInput(fields: SchemaField[], values: Record<string, string | boolean>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name];
    if (v === undefined || v === "" || v === String(f.default ?? "")) continue;
    if (f.kind === "boolean") {
      if (v !== f.default) out[f.name] = v;
    } else if (f.kind === "number" || f.kind === "integer") {
      const n = Number(v);
      if (Number.isFinite(n)) out[f.name] = f.kind === "integer" ? Math.round(n) : n;
    } else if (f.kind === "choice") {
      out[f.name] = f.choices.find((c) => String(c) === v) ?? v;
    } else {
      out[f.name] = v;
    }
  }
  return out;
}
