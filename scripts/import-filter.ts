/**
 * `cdk8s import` drops undefined fields in every generated toJson_* function (and in every map
 * field) with `.reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})`: a copy
 * of the object per field, quadratic in the field count, run for every nested object of every
 * manifest (a quarter of the Kubernetes layer's time at 1000 services). The same reduce in one
 * pass: same keys in the same order, each defined as an own data property as the computed key of
 * an object literal defines it (plain assignment would treat "__proto__" differently).
 */
export const QUADRATIC_FILTER = ".reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})";
export const LINEAR_FILTER = ".reduce((r, i) => (i[1] === undefined) ? r : Object.defineProperty(r, i[0], { value: i[1], enumerable: true, writable: true, configurable: true }), {})";

export function linearUndefinedFilter(source: string): string {
  return source.split(QUADRATIC_FILTER).join(LINEAR_FILTER);
}
