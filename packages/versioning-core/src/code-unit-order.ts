/**
 * Code-unit order (`<` on strings): the same on every machine, where `localeCompare` follows the
 * locale. For whatever is written as bytes (locks, packages, report pages) or compared across runs.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
