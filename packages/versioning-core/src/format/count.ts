/** `1 version`, `2 versions`, `0 versions`: a count with its noun in agreement (regular plurals only). */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
