const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** `123 B`, `4.2 KiB`, `200.0 MiB`: binary units, one decimal; negative sizes keep their sign. */
export function formatBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  if (value < 1024) return `${sign}${value} B`;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${sign}${value.toFixed(1)} ${UNITS[unit]}`;
}
