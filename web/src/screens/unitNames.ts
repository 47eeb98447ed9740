// Unit names the app has already read on a wall chart, so the person page can name a person's units
// without reading the whole chart again. (The person query gives unit ids only.)
const names = new Map<string, string>();

export function rememberUnitNames(units: { id: string; name: string }[]): void {
  for (const unit of units) names.set(unit.id, unit.name);
}

export const unitName = (id: string): string | undefined => names.get(id);
