/**
 * Orders strings by UTF-16 code unit, as a plain `sort()` does: the same on every machine.
 * `localeCompare` follows the system locale (LANG): Danish sorts "aa" after "z", Lithuanian "y"
 * before "j", so output ordered with it would differ between a laptop and CI.
 */
export const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
