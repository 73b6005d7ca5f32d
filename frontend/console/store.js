// What pages share within one signed-in tab: the reference lists (units, categories, areas) and
// the ids of the inbox list last shown (for "next/previous complaint").
import { api } from "./api.js";

let reference = null;
let list = [];

export async function referenceData() {
  if (!reference) reference = api.units().catch((error) => {
    reference = null;
    throw error;
  });
  return reference;
}

export function rememberList(ids) {
  list = ids.slice();
}

export function neighbour(id, step) {
  const at = list.indexOf(id);
  if (at < 0) return null;
  return list[at + step] || null;
}
